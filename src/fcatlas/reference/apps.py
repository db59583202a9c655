from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "fcatlas.reference"
    verbose_name = "Referensdata"
