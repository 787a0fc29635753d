from django.urls import path

from ketaclinic.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("", views.day_page, name="day"),
    path("plans/<int:plan_id>/book/", views.book_page, name="book"),
    path("appointments/<int:appointment_id>/", views.appointment_page, name="appointment"),
    path("appointments/<int:appointment_id>/reschedule/", views.reschedule, name="reschedule"),
    path("appointments/<int:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("appointments/<int:appointment_id>/start/", views.start, name="start"),
    path(
        "requests/<int:change_request_id>/resolve/", views.resolve_request, name="resolve_request"
    ),
    path("sites/<slug:site_code>/", views.site_page, name="site"),
    path("sites/<slug:site_code>/chairs/", views.add_chair, name="add_chair"),
    path("calendars/nurses/<int:user_id>.ics", views.nurse_calendar, name="nurse_calendar"),
    path("calendars/chairs/<int:chair_id>.ics", views.chair_calendar, name="chair_calendar"),
]
