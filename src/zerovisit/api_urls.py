from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("zerovisit.org.api_urls")),
    path("", include("zerovisit.catalog.api_urls")),
    path("", include("zerovisit.workcalendar.api_urls")),
    path("", include("zerovisit.cases.api_urls")),
    path("", include("zerovisit.licenses.api_urls")),
    path("", include("zerovisit.delivery.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]
