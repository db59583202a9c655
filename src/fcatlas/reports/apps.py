from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fcatlas.reports"
    verbose_name = "Rapporter"
