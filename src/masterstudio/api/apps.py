from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "masterstudio.api"
    label = "api"
    verbose_name = "接口"
