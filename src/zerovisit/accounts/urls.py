from django.urls import path

from . import organisation_views, provider_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/idp/<slug:name>/", provider_views.provider_sign_in, name="provider_sign_in"),
    path("login/idp/<slug:name>/callback/", provider_views.provider_callback, name="provider_callback"),
    path("login/sms/", views.sign_in_by_code, name="sign_in_by_code"),
    path("password/reset/", views.reset_password, name="reset_password"),
    path("password/", views.change_password, name="change_password"),
    path("apps/<int:application_id>/withdraw/", views.withdraw_app, name="withdraw_app"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("verify/", views.verify, name="verify"),
    path("verify/face/", views.verify_face, name="verify_face"),
    path("organisations/", organisation_views.organisations, name="organisations"),
    path("organisations/<int:pk>/agents/", organisation_views.organisation_agents, name="organisation_agents"),
    path(
        "organisations/<int:pk>/agents/<int:authorisation_pk>/revoke/",
        organisation_views.revoke_agent,
        name="revoke_agent",
    ),
    path("2fa/", views.second_factor_verify, name="second_factor"),
    path("2fa/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("2fa/backup-codes/", views.renew_backup_codes, name="renew_backup_codes"),
]
