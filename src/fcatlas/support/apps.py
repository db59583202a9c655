from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "fcatlas.support"
    verbose_name = "Stödprogrammet"
