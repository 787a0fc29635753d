"""The interop app's chart tab (External history), beside the other apps' chart tabs."""

from django.urls import path

from ketaclinic.interop import views

app_name = "interop_chart"
urlpatterns = [
    path(
        "patients/<int:patient_id>/external-history/",
        views.external_history_page,
        name="external_history",
    ),
]
