from django.urls import path

from ketaclinic.interop import views

app_name = "interop"
urlpatterns = [
    path("", views.exports_page, name="exports"),
]
