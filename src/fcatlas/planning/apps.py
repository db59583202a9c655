from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "fcatlas.planning"
    verbose_name = "Analys och planering"
