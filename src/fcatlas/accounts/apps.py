from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fcatlas.accounts"
    verbose_name = "Användare och roller"

    def ready(self):
        from . import audit

        audit.connect_lockouts()
