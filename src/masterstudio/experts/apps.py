from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "masterstudio.experts"
    label = "experts"
    verbose_name = "专家库与专家评审"

    def ready(self):
        # inside ready(): the selectors read models, loaded only once every app is
        from masterstudio.applications.extensions import register_visibility_scope
        from masterstudio.applications.models import Application
        from masterstudio.experts.selectors import subject_ids_for_expert

        register_visibility_scope("expert", lambda user: subject_ids_for_expert(user, Application))
