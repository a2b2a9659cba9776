"""How the OpenAPI schema describes /api/v1/: every operation's error answers, in the one error shape."""

from drf_spectacular import openapi
from rest_framework import permissions, serializers


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(required=False, allow_null=True, help_text="the input concerned, if one is")
    code = serializers.CharField(required=False)
    message = serializers.CharField()
    row = serializers.IntegerField(required=False, help_text="imports: the row of the file")
    column = serializers.CharField(required=False, help_text="imports: the column of the file")


class ErrorSerializer(serializers.Serializer):
    """Every error of the API: a stable machine-readable `code`, a translated `message`, and the details."""

    code = serializers.CharField()
    message = serializers.CharField()
    errors = ErrorItemSerializer(many=True)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the error answers every operation can give added to its responses.

    400: any operation (control characters are refused everywhere, and query parameters are validated); 403: any
    operation that authenticates (a wrong token is refused even where no login is needed); 404: operations with
    path parameters and paginated lists (a page past the end); 409: writes (a concurrent change). Views declare
    the others they give (401, 422, 429, ...) in `extend_schema(responses=...)`.
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            responses.setdefault(str(status), self._get_response_for_code(ErrorSerializer, str(status)))
        return dict(sorted(responses.items()))

    def _error_statuses(self):
        statuses = [400]
        allow_any = all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        if self.view.get_authenticators() or not allow_any:
            statuses.append(403)
        paginated = self._is_list_view() and getattr(self.view, "pagination_class", None)
        if "{" in self.path or paginated:
            statuses.append(404)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            statuses.append(409)
        return statuses


# What core.middleware.InputCharactersMiddleware lets through, for the strings the API takes.
WITHOUT_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"


def refuse_control_characters(result, generator, request, public):
    """Postprocessing hook: every free-form string that the API takes, in a parameter or a request body, carries
    the pattern that says control characters are refused (enums, dates, files and other formats need none)."""
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def constrain(schema):
        if not isinstance(schema, dict):
            return
        if ref := schema.get("$ref"):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                constrain(components.get(name))
            return
        if schema.get("type") == "string" and not {"enum", "format", "pattern"} & schema.keys():
            schema["pattern"] = WITHOUT_CONTROL_CHARACTERS
        for key in ("items", "additionalProperties"):
            constrain(schema.get(key))
        for value in schema.get("properties", {}).values():
            constrain(value)
        for key in ("allOf", "anyOf", "oneOf"):
            for value in schema.get(key, []):
                constrain(value)

    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                constrain(parameter.get("schema"))
            for content in operation.get("requestBody", {}).get("content", {}).values():
                constrain(content.get("schema"))
    return result


def required_text(**extra) -> dict:
    """The schema of a string parameter that must hold something besides spaces (and no control character)."""
    visible = r"[^\s\x00-\x1F\x7F]"
    allowed = r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"
    return {"type": "string", "pattern": f"^{allowed}*{visible}{allowed}*$", **extra}
