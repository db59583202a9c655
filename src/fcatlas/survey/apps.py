from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "fcatlas.survey"
    label = "survey"
    verbose_name = "Kartläggning"
    default_auto_field = "django.db.models.BigAutoField"
