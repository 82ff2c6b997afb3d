from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "masterstudio.catalog"
    label = "catalog"
    verbose_name = "职业目录与工作日历"
