from django.urls import path

from . import api

urlpatterns = [
    path("auth/codes/", api.CodeView.as_view(), name="auth-codes"),
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/password-reset/", api.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/me/", api.MeView.as_view(), name="auth-me"),
    path("auth/verification/", api.VerificationView.as_view(), name="auth-verification"),
]
