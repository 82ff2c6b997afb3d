from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "masterstudio.funding"
    label = "funding"
    verbose_name = "资金"
