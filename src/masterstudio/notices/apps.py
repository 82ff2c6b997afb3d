from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "masterstudio.notices"
    label = "notices"
    verbose_name = "公示与异议"
