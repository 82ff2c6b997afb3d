from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "masterstudio.activities"
    label = "activities"
    verbose_name = "活动"
