from django.apps import AppConfig


class StudiosConfig(AppConfig):
    name = "masterstudio.studios"
    label = "studios"
    verbose_name = "工作室"
