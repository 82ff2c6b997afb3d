from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masterstudio.core"
    label = "core"
    verbose_name = "基础：事件日志与通知"

    def ready(self):
        from django.conf import settings

        if settings.DEMO_CLOCK:  # demo mode only: the settings refuse it without DEBUG
            from masterstudio.core import clock

            clock.install()
