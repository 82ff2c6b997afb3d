from django.apps import AppConfig


class SelfcheckConfig(AppConfig):
    name = "masterstudio.selfcheck"
    label = "selfcheck"
    verbose_name = "政策自测"
