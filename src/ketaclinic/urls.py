"""URL map: pages per app, the JSON API under /api/; the error pages (:mod:`.core.error_pages`)."""

from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

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
    path("", include("ketaclinic.interop.chart_urls")),
    path("outcomes/", include("ketaclinic.outcomes.urls")),
    path("jobs/", include("ketaclinic.jobs.urls")),
    # Portal, diary and questionnaires: public pages, the patient's pages and chart tabs.
    path("", include("ketaclinic.portal.urls")),
    path("", include("ketaclinic.diary.urls")),
    path("", include("ketaclinic.instruments.urls")),
    # One patient's outcomes: the chart's Outcomes tab and PDFs, the patient's Progress page.
    path("", include("ketaclinic.outcomes.patient_urls")),
    path("api/", api.urls),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", RedirectView.as_view(url=static("ketaclinic/favicon.svg")), name="favicon"),
]

handler400 = "ketaclinic.core.error_pages.bad_request"
handler403 = "ketaclinic.core.error_pages.permission_denied"
handler404 = "ketaclinic.core.error_pages.page_not_found"
handler500 = "ketaclinic.core.error_pages.server_error"
