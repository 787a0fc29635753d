"""Outcome pages under ``/outcomes/``: the cohort side (``cohort_views``) and the per-patient
side (``patient_views``), each in its own modules so the two grow apart without conflict."""

from django.urls import URLPattern, URLResolver, path

from ketaclinic.outcomes import cohort_views

app_name = "outcomes"
urlpatterns: list[URLPattern | URLResolver] = [
    path("cohort/", cohort_views.cohort_page, name="cohort"),
    path("cohort/report.pdf", cohort_views.cohort_report_pdf, name="cohort_pdf"),
]
