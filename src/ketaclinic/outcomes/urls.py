"""Outcome pages under ``/outcomes/``: the cohort side (``cohort_views``) and the per-patient
side (``patient_views``), each in its own modules so the two grow apart without conflict."""

from django.urls import URLPattern, URLResolver

app_name = "outcomes"
urlpatterns: list[URLPattern | URLResolver] = []
