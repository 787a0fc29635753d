"""URLs of one patient's outcomes: the chart tab and its PDFs, the patient's Progress page."""

from django.urls import path

from ketaclinic.outcomes import patient_views

app_name = "patient_outcomes"
urlpatterns = [
    path("patients/<int:patient_id>/outcomes/", patient_views.chart_outcomes, name="chart"),
    path(
        "patients/<int:patient_id>/outcomes/summary.pdf",
        patient_views.summary_pdf,
        name="summary_pdf",
    ),
    path(
        "patients/<int:patient_id>/outcomes/courses/<int:course_id>/letter.pdf",
        patient_views.letter_pdf,
        name="letter_pdf",
    ),
    path("progress/", patient_views.my_progress, name="progress"),
    path("progress/summary.pdf", patient_views.my_summary_pdf, name="my_summary_pdf"),
]
