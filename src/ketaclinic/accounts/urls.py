from django.urls import path

from ketaclinic.accounts import two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("2fa/", two_factor_views.manage, name="2fa_manage"),
    path("2fa/verify/", two_factor_views.verify, name="2fa_verify"),
    path("2fa/setup/", two_factor_views.setup, name="2fa_setup"),
    path("2fa/recovery-codes/", two_factor_views.recovery_codes, name="2fa_recovery_codes"),
]
