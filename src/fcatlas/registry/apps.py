from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fcatlas.registry"
    verbose_name = "Registret"
