from django.urls import path

from ketaclinic.portal import (
    account_views,
    appointment_views,
    home_spray_views,
    public_views,
    staff_views,
)

app_name = "portal"
urlpatterns = [
    # Public, no log-in.
    path("learn/<slug:topic>/", public_views.learn, name="learn"),
    path("self-screen/", public_views.self_screen, name="screen"),
    path("consultation/", public_views.consultation, name="consultation"),
    path("consultation/thanks/", public_views.consultation_thanks, name="consultation_thanks"),
    path("invite/<str:token>/", account_views.accept_invitation, name="invite"),
    path(
        "accounts/password-reset/",
        account_views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The patient.
    path("settings/", account_views.settings_page, name="settings"),
    path("my/appointments/", appointment_views.appointments, name="appointments"),
    path("my/nasal-spray/", home_spray_views.home_spray, name="home_spray"),
    path(
        "my/appointments/<int:appointment_id>/change/",
        appointment_views.request_change,
        name="appointment_change",
    ),
    # Staff.
    path("referrals/", staff_views.referral_queue, name="referrals"),
    path("referrals/<int:request_id>/", staff_views.referral_detail, name="referral"),
    path("patients/<int:patient_id>/invite/", staff_views.invite, name="invite_patient"),
]
