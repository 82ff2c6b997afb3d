from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "masterstudio.dashboards"
    label = "dashboards"
    verbose_name = "统计看板"
