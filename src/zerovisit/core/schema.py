"""The OpenAPI document of /api/v1/, generated once per language and then served from memory."""

import threading

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView


class SchemaView(SpectacularAPIView):
    """The OpenAPI document. drf-spectacular's first generation in a process is not thread-safe (it loads its
    extensions lazily), and a generation costs a second: the document is generated once per language and format
    under a lock, and then served from memory. It depends on the code alone, never on who asks."""

    _lock = threading.Lock()
    _rendered: dict[tuple[str, str], tuple[bytes, str]] = {}

    @classmethod
    def forget(cls) -> None:
        with cls._lock:
            cls._rendered.clear()

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        language = request.GET.get("lang")
        if language not in dict(settings.LANGUAGES):
            language = translation.get_language()
        renderer = request.accepted_renderer
        key = (language, renderer.media_type)
        if key not in self._rendered:
            with self._lock:
                if key not in self._rendered:
                    with translation.override(language):
                        response = self._get_schema_response(request)
                        body = renderer.render(response.data, renderer.media_type, self.get_renderer_context())
                    self._rendered[key] = (body, response["Content-Disposition"])
        body, disposition = self._rendered[key]
        charset = f"; charset={renderer.charset}" if renderer.charset else ""
        response = HttpResponse(body, content_type=f"{renderer.media_type}{charset}")
        response["Content-Disposition"] = disposition
        return response
