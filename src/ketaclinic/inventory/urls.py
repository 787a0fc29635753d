from django.urls import path

from ketaclinic.inventory.views import counts, ledger, reports, session, stock

app_name = "inventory"
urlpatterns = [
    path("", stock.stock, name="stock"),
    path("receive/", stock.receive, name="receive"),
    path("setup/", stock.setup, name="setup"),
    path("containers/<int:container_id>/", stock.container_detail, name="container"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("counts/", counts.count_list, name="counts"),
    path("counts/new/", counts.count_new, name="count_new"),
    path("counts/<int:count_id>/", counts.count_detail, name="count"),
    path("counts/<int:count_id>/inventory.pdf", reports.count_pdf, name="count_pdf"),
    path("incidents/", counts.incident_list, name="incidents"),
    path("incidents/<int:incident_id>/", counts.incident_detail, name="incident"),
    path("reports/", reports.report, name="report"),
    path("reports/ledger.csv", reports.report, {"fmt": "csv"}, name="report_csv"),
    path("reports/ledger.pdf", reports.report, {"fmt": "pdf"}, name="report_pdf"),
    path("patients/<int:patient_id>/", reports.dispensing, name="dispensing"),
    path(
        "patients/<int:patient_id>/dispensing.csv",
        reports.dispensing,
        {"fmt": "csv"},
        name="dispensing_csv",
    ),
    path("sessions/<int:session_id>/draw/", session.session_draw, name="session_draw"),
    path(
        "sessions/<int:session_id>/administered/",
        session.session_administered,
        name="session_administered",
    ),
    path("sessions/<int:session_id>/waste/", session.session_waste, name="session_waste"),
    path("sessions/<int:session_id>/return/", session.session_return, name="session_return"),
]
