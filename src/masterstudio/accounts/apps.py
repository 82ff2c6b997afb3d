from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masterstudio.accounts"
    label = "accounts"
    verbose_name = "账号与角色"
