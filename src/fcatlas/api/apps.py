from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fcatlas.api"
    verbose_name = "API"
