from django.apps import AppConfig


class PolicytoolsConfig(AppConfig):
    name = "masterstudio.policytools"
    label = "policytools"
    verbose_name = "政策参数与影响分析"
