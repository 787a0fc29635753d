from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "ketaclinic.treatment"
    label = "treatment"
    verbose_name = "Treatment programme"
    default_auto_field = "django.db.models.BigAutoField"
