from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from zerovisit.accounts import oauth

# The OAuth 2.0 endpoints apps use; no page to manage applications (the admin does) and no device flow.
oauth_urls = [
    path("authorize/", oauth.AuthorizationView.as_view(), name="authorize"),
    path("token/", oauth.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth.RevokeTokenView.as_view(), name="revoke-token"),
]

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/v1/", include("zerovisit.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("zerovisit.accounts.urls")),
    path("oauth/", include((oauth_urls, "oauth2_provider"))),
    path("workbench/", include("zerovisit.workbench.urls")),
    path("feedback/", include("zerovisit.feedback.urls")),
    path("", include("zerovisit.supervision.urls")),
    path("", include("zerovisit.portal.urls")),
]

if settings.DEBUG or settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Blank forms and samples are public documents; in production a web server or object store serves them.
    urlpatterns.append(
        path(settings.MEDIA_URL.lstrip("/") + "<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )
