from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fcatlas.accounts"
    verbose_name = "Användare och roller"
