from django.urls import path

from ketaclinic.home import site_views, spray_supply_views, spray_views, views

# The namespace stays "core": "core:home" is reversed in templates, redirects, settings
# (LOGIN_REDIRECT_URL) and e-mails across the apps; renaming it is a separate, visible change.
app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sites/<int:site_id>/safety/", site_views.site_safety, name="site_safety"),
    path("patients/<int:patient_id>/home-spray/", spray_views.home_spray_chart, name="home_spray"),
    path(
        "patients/<int:patient_id>/home-spray/prescribe/",
        spray_views.prescribe,
        name="home_spray_prescribe",
    ),
    path(
        "patients/<int:patient_id>/home-spray/dispense/",
        spray_views.dispense,
        name="home_spray_dispense",
    ),
    path(
        "patients/<int:patient_id>/home-spray/return/",
        spray_views.patient_return,
        name="home_spray_return",
    ),
    path(
        "patients/<int:patient_id>/home-spray/loss/",
        spray_supply_views.report_loss,
        name="home_spray_loss",
    ),
    path(
        "patients/<int:patient_id>/home-spray/destroy/",
        spray_supply_views.destroy_returned,
        name="home_spray_destroy",
    ),
    path(
        "patients/<int:patient_id>/home-spray/uses/<int:use_id>/acknowledge/",
        spray_views.acknowledge,
        name="home_spray_acknowledge",
    ),
]
