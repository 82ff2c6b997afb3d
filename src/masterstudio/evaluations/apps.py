from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "masterstudio.evaluations"
    label = "evaluations"
    verbose_name = "第三方评估"
