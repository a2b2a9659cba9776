"""The site's URLs plus a page that fails, for the tests of the server-error page."""

from django.urls import path

from zerovisit.urls import urlpatterns as site_urlpatterns


def failing_page(request):
    raise RuntimeError("secret detail of the failure")


urlpatterns = [path("boom/", failing_page), *site_urlpatterns]
