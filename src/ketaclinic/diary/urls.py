from django.urls import path, register_converter

from ketaclinic.core.converters import IsoDateConverter
from ketaclinic.diary import summary_views, views

register_converter(IsoDateConverter, "isodate")

app_name = "diary"
urlpatterns = [
    # The patient's own diary.
    path("diary/", views.calendar, name="calendar"),
    path("summary/", summary_views.my_summary, name="summary"),
    path("summary/print/", summary_views.my_summary_print, name="summary_print"),
    path("diary/<isodate:day>/", views.day_page, name="day"),
    path("diary/<isodate:day>/no-headache/", views.headache_free, name="headache_free"),
    path("diary/<isodate:day>/attack/", views.attack, name="attack_new"),
    path("diary/<isodate:day>/attack/<int:position>/", views.attack, name="attack"),
    path(
        "diary/<isodate:day>/attack/<int:position>/remove/",
        views.remove_attack,
        name="attack_remove",
    ),
    path("diary/<isodate:day>/about/", views.factors, name="factors"),
    path("diary/<isodate:day>/history/", views.history, name="history"),
    # A patient's diary in the chart (staff of the patient's site).
    path("patients/<int:patient_id>/diary/", summary_views.chart_diary, name="chart"),
    path(
        "patients/<int:patient_id>/diary/print/",
        summary_views.chart_diary_print,
        name="chart_print",
    ),
    path(
        "patients/<int:patient_id>/diary/<isodate:day>/",
        summary_views.chart_day,
        name="chart_day",
    ),
]
