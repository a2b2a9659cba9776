"""/api/v1/delivery/callback/<carrier>/: where a courier reports the status of its shipments, signed; and
/api/v1/shipments/: the shipments of the caller's cases with their tracking, for the mobile app."""

from django.db.models import Prefetch
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from zerovisit.cases.selectors import visible_cases
from zerovisit.core.errors import DomainError
from zerovisit.core.openapi import ErrorSerializer

from . import carriers, services
from .models import Shipment, ShipmentEvent


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


class ShipmentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentEvent
        fields = ["status", "at", "location", "note"]


class ShipmentSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number")
    events = ShipmentEventSerializer(many=True)

    class Meta:
        model = Shipment
        fields = ["id", "case_number", "direction", "purpose", "carrier", "waybill", "status", "status_changed_at",
                  "contents", "recipient_name", "recipient_phone_masked", "created_at", "events"]  # fmt: skip


class ShipmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The shipments of the cases the caller may see (政务专递: results to the door, paper materials collected),
    newest first, each with its tracking. `?case=<number>` for one case's."""

    serializer_class = ShipmentSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Shipment.objects.none()  # the caller's, from get_queryset

    def get_queryset(self):
        shipments = Shipment.objects.filter(case__in=visible_cases(self.request.user).values("pk"))
        if number := self.request.query_params.get("case"):
            shipments = shipments.filter(case__number=number)
        events = ShipmentEvent.objects.order_by("at", "id")
        return (
            shipments.select_related("case")
            .prefetch_related(Prefetch("events", queryset=events))
            .order_by("-created_at", "-id")
        )
