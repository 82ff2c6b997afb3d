from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "masterstudio.ledger"
    label = "ledger"
    verbose_name = "工作室专账"
