from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/v1/", include("zerovisit.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("zerovisit.accounts.urls")),
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
