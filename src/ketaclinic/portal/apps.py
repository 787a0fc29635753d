from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Patient-facing pages: education, self-screen, consultation requests, invitations."""

    name = "ketaclinic.portal"
    label = "portal"
