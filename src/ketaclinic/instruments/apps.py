from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    """Questionnaire responses (MIDAS, HIT-6, PHQ-9, GAD-7, PGIC) and PHQ-9 self-harm alerts."""

    name = "ketaclinic.instruments"
    label = "instruments"
