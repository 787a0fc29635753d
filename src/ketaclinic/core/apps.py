from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared pieces: layout, request context, errors, PDF rendering, append-only triggers."""

    name = "ketaclinic.core"
    label = "core"
