from django.apps import AppConfig


class AtlasConfig(AppConfig):
    name = "fcatlas.atlas"
    verbose_name = "Atlas"
