from django.urls import path

from ketaclinic.instruments import portal_views, views

app_name = "instruments"
urlpatterns = [
    # The patient's own questionnaires.
    path("questionnaires/", portal_views.my_questionnaires, name="mine"),
    path("questionnaires/answered/<int:response_id>/", portal_views.thanks, name="thanks"),
    path("questionnaires/<slug:instrument>/", portal_views.fill, name="fill"),
    # Staff: the chart's questionnaire tab, the schedule, and self-harm alerts.
    path("patients/<int:patient_id>/questionnaires/", views.chart_questionnaires, name="chart"),
    path(
        "patients/<int:patient_id>/questionnaires/enter/<slug:instrument>/",
        views.enter_questionnaire,
        name="enter",
    ),
    path("patients/<int:patient_id>/questionnaires/plan/", views.start_plan, name="plan_start"),
    path("patients/<int:patient_id>/questionnaires/plan/stop/", views.stop_plan, name="plan_stop"),
    path("patients/<int:patient_id>/questionnaires/courses/", views.add_course, name="course_add"),
    path(
        "patients/<int:patient_id>/questionnaires/courses/<int:course_id>/cancel/",
        views.cancel_course,
        name="course_cancel",
    ),
    path("alerts/<int:alert_id>/", views.alert, name="alert"),
]
