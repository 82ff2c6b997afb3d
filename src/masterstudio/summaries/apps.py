from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "masterstudio.summaries"
    label = "summaries"
    verbose_name = "年度工作总结"
