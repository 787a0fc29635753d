from django.apps import AppConfig


class InteropConfig(AppConfig):
    """FHIR, REDCap and Parquet exports, FHIR import, de-identification."""

    name = "ketaclinic.interop"
    label = "interop"
