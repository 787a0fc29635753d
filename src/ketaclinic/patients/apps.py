from django.apps import AppConfig


class PatientsConfig(AppConfig):
    """The patient registry and the chart shell the other apps fill."""

    name = "ketaclinic.patients"
    label = "patients"
