from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "masterstudio.evaluations"
    label = "evaluations"
    verbose_name = "第三方评估"

    def ready(self):
        # inside ready(): the selectors import the models, which exist only once the apps are loaded
        from masterstudio.evaluations.selectors import evaluator_scope
        from masterstudio.studios.selectors import register_scope

        # Art. 18: an evaluator reads the studios (and years) of its open evaluations — the one rule
        # of studios.selectors (studios_for, of_visible_studios) asks this provider
        register_scope("evaluator", evaluator_scope)
