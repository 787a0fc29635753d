from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared pieces: layout, request context, health check, the home page."""

    name = "ketaclinic.core"
    label = "core"
