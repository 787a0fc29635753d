from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """Outcome analytics: per-patient endpoints, cohort analytics, figures and reports."""

    name = "ketaclinic.outcomes"
    label = "outcomes"
