from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masterstudio.core"
    label = "core"
    verbose_name = "基础：事件日志与通知"
