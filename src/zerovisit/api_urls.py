from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularSwaggerSplitView

from zerovisit.core.errors import NotFound
from zerovisit.core.schema import SchemaView


@csrf_exempt  # nothing to protect, and a refused POST must get this answer too, not the CSRF page
def not_found(request, rest):
    """A path under /api/v1/ that names nothing answers 404 in the API's error shape, not with the HTML page."""
    return JsonResponse(
        {"code": NotFound.code, "message": str(NotFound.default_message), "errors": []},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [
    path("", include("zerovisit.accounts.api_urls")),
    path("", include("zerovisit.org.api_urls")),
    path("", include("zerovisit.catalog.api_urls")),
    path("", include("zerovisit.workcalendar.api_urls")),
    path("", include("zerovisit.feedback.api_urls")),  # before the cases' own /cases/{number}/… routes
    path("", include("zerovisit.cases.api_urls")),
    path("", include("zerovisit.licenses.api_urls")),
    path("", include("zerovisit.delivery.api_urls")),
    path("", include("zerovisit.portal.api_urls")),
    path("", include("zerovisit.notify.api_urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    re_path(r"^(?P<rest>[\s\S]*)\Z", not_found),  # any character, a newline too
]
