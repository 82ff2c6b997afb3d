from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "masterstudio.applications"
    label = "applications"
    verbose_name = "申报"
