from django.apps import AppConfig


class RecoveriesConfig(AppConfig):
    name = "masterstudio.recoveries"
    label = "recoveries"
    verbose_name = "撤销与资金追回"
