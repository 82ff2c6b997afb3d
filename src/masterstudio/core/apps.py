from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masterstudio.core"
    label = "core"
    verbose_name = "基础：事件日志与通知"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from masterstudio.core import pagecache

        connection_created.connect(pagecache.install, dispatch_uid="masterstudio.pagecache")
        for connection in connections.all(initialized_only=True):  # opened before ready()
            pagecache.install(connection=connection)

        from django.conf import settings

        if settings.DEMO_CLOCK:  # demo mode only: the settings refuse it without DEBUG
            from masterstudio.core import clock

            clock.install()
