from django.urls import path

from ketaclinic.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<uuid:job_id>/", views.job_page, name="job"),
    path("<uuid:job_id>/progress/", views.job_progress, name="progress"),
    path("<uuid:job_id>/download/", views.job_download, name="download"),
]
