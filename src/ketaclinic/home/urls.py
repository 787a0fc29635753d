from django.urls import path

from ketaclinic.home import site_views, views

# The namespace stays "core": "core:home" is reversed in templates, redirects, settings
# (LOGIN_REDIRECT_URL) and e-mails across the apps; renaming it is a separate, visible change.
app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sites/<int:site_id>/safety/", site_views.site_safety, name="site_safety"),
]
