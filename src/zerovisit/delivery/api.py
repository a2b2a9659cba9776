"""/api/v1/delivery/callback/<carrier>/: where a courier reports the status of its shipments, signed."""

from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from zerovisit.core.errors import DomainError
from zerovisit.core.openapi import ErrorSerializer

from . import carriers, services


class BadSignature(DomainError):
    code = "bad_signature"
    status = 401


class CallbackView(APIView):
    """Status reports pushed by a carrier. Signed with the shared secret (X-Timestamp, X-Signature); repeated and
    late reports are harmless."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer("CarrierCallback", {"events": serializers.ListField()}),
        parameters=[OpenApiParameter("carrier", str, OpenApiParameter.PATH, enum=["http"])],
        responses={200: inline_serializer("CallbackApplied", {"applied": serializers.IntegerField()}),
                   401: ErrorSerializer},
    )  # fmt: skip
    def post(self, request, carrier):
        if carrier != "http":
            raise DomainError(_("Unknown carrier."), code="unknown_carrier")
        try:
            body = request.body  # the signature is over these bytes
        except RawPostDataException:  # a form, already parsed: there is no body left to check
            raise DomainError(_("Send the report as JSON."), code="json_required") from None
        try:
            applied = services.receive_callback(carrier, body, request.headers)
        except carriers.BadSignature as exc:
            raise BadSignature(_("The callback is not correctly signed: %(why)s") % {"why": exc}) from exc
        return Response({"applied": applied})
