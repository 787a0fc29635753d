"""URL map: pages per app, the JSON API under /api/."""

from django.urls import include, path

from ketaclinic.api import api

urlpatterns = [
    path("", include("ketaclinic.home.urls")),
    path("accounts/", include("ketaclinic.accounts.urls")),
    path("patients/", include("ketaclinic.patients.urls")),
    path("audit/", include("ketaclinic.audit.urls")),
    path("inventory/", include("ketaclinic.inventory.urls")),
    path("treatment/", include("ketaclinic.treatment.urls")),
    path("schedule/", include("ketaclinic.scheduling.urls")),
    path("exports/", include("ketaclinic.interop.urls")),
    path("outcomes/", include("ketaclinic.outcomes.urls")),
    # Portal, diary and questionnaires: public pages, the patient's pages and chart tabs.
    path("", include("ketaclinic.portal.urls")),
    path("", include("ketaclinic.diary.urls")),
    path("", include("ketaclinic.instruments.urls")),
    # One patient's outcomes: the chart's Outcomes tab and PDFs, the patient's Progress page.
    path("", include("ketaclinic.outcomes.patient_urls")),
    path("api/", api.urls),
]
