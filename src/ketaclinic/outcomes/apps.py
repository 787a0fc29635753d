from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """Outcome pages, PDFs and API over the columnar engine (the rest of this package)."""

    name = "ketaclinic.outcomes"
    label = "outcomes"
