from django.apps import AppConfig


class DiaryConfig(AppConfig):
    """The patient's headache diary: days, attacks, medications, versions and metrics."""

    name = "ketaclinic.diary"
    label = "diary"
