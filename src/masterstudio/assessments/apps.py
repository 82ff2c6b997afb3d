from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "masterstudio.assessments"
    label = "assessments"
    verbose_name = "绩效考核与动态管理"
