from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs with progress, a status page and endpoint, and a download when done."""

    name = "ketaclinic.jobs"
    label = "jobs"
