from django.urls import path

from . import api

urlpatterns = [
    path("auth/codes/", api.CodeView.as_view(), name="auth-codes"),
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/password-reset/", api.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/me/", api.MeView.as_view(), name="auth-me"),
    path("auth/verification/", api.VerificationView.as_view(), name="auth-verification"),
    path("organisations/", api.OrganisationsView.as_view(), name="organisations"),
    path("organisations/<int:organisation_id>/agents/", api.AgentsView.as_view(), name="organisation-agents"),
    path(
        "organisations/<int:organisation_id>/agents/<int:agent_id>/", api.AgentView.as_view(), name="organisation-agent"
    ),
]
