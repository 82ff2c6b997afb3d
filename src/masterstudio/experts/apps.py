from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "masterstudio.experts"
    label = "experts"
    verbose_name = "专家库与专家评审"
