from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only, hash-chained log of every write and every read of a chart."""

    name = "ketaclinic.audit"
    label = "audit"
