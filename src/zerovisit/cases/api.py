"""/api/v1/cases/: apply, read, act (`POST /api/v1/cases/{number}/{action}/`) and the staff inbox.

Thin: serializers check the shape of the input, selectors decide what the caller may see, services do the rest.
"""

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from zerovisit.accounts.models import ApplicantKind
from zerovisit.catalog import selectors as catalog
from zerovisit.catalog.models import ServiceItem
from zerovisit.core.api import CleanJSONField
from zerovisit.core.errors import DomainError, NotFound
from zerovisit.core.openapi import ErrorSerializer
from zerovisit.core.serving import private_file_response

from . import selectors, services
from .models import Case, CaseEvent, CaseMaterial, Channel, DeliveryMethod

# -- output --------------------------------------------------------------------------------------------------


class CaseMaterialSerializer(serializers.ModelSerializer):
    spec = serializers.IntegerField(source="spec_id", help_text="the item's material (MaterialSpec) this is")
    name = serializers.CharField(source="spec.name")
    download_url = serializers.SerializerMethodField(help_text="the uploaded file, for whoever may see the case")

    class Meta:
        model = CaseMaterial
        fields = ["id", "spec", "name", "source", "sha256", "size", "reference", "download_url"]

    def get_download_url(self, material) -> str | None:
        if not material.file:
            return None
        return reverse("case-material-file", kwargs={"number": material.case.number, "material_id": material.pk})


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["seq", "at", "actor", "actor_role", "action", "status_before", "status_after", "opinion", "data"]


class CaseSummarySerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.impl_code")
    item_name = serializers.CharField(source="item.name")
    applicant = serializers.StringRelatedField()
    status_display = serializers.CharField(source="get_status_display")
    claimed_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Case
        fields = ["number", "item", "item_name", "applicant", "channel", "status", "status_display", "stage_order",
                  "submitted_at", "acceptance_due", "decision_due", "due", "due_estimated", "claimed_by"]  # fmt: skip


class CaseDetailSerializer(CaseSummarySerializer):
    process = serializers.CharField(source="process.code", help_text="the process the case was filed under")
    stage = serializers.CharField(source="stage.name", default=None, help_text="the stage the case is at")
    steps = serializers.SerializerMethodField(help_text="the steps (`POST …/{step}/`) the caller may take now")
    materials = CaseMaterialSerializer(many=True)
    events = CaseEventSerializer(many=True)

    def get_steps(self, case) -> list[str]:
        return selectors.possible_steps(self.context["request"].user, case)

    class Meta(CaseSummarySerializer.Meta):
        fields = [*CaseSummarySerializer.Meta.fields, "process", "received_at", "accepted_at", "deemed_accepted",
                  "limit_days", "extension_days", "paused_days", "decided_at", "concluded_at", "commitment_signed",
                  "originals_pending", "delivery_method", "delivered_at", "paper_pickup", "stage", "steps",
                  "form_data", "materials", "events"]  # fmt: skip


# -- input ---------------------------------------------------------------------------------------------------


class SubmitSerializer(serializers.Serializer):
    """An application. Materials travel as multipart fields named by the material's id: `material_<id>` (a file),
    `reference_<id>` (held data, e.g. a licence identifier) or `later_<id>` (容缺后补)."""

    item = serializers.CharField(help_text="implementation code of the published item")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB)
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices)
    applicant_name = serializers.CharField(max_length=200)
    id_number = serializers.CharField(required=False, allow_blank=True)
    credit_code = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.RegexField(r"^1\d{10}$", required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    check_override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500,
        help_text="at the window, staff confirming a credit code whose check character fails: why",
    )  # fmt: skip
    form_data = CleanJSONField(required=False, default=dict, binary=True)
    commitment_signed = serializers.BooleanField(default=False)
    normal_procedure = serializers.BooleanField(default=False)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices, default=DeliveryMethod.HALL)
    paper_pickup = serializers.BooleanField(default=False, help_text="the courier collects the paper materials")
    delivery_address = CleanJSONField(
        required=False, default=dict, binary=True,
        help_text='for the courier: {"name", "phone", "region" (12-digit code), "address"}',
    )  # fmt: skip


def material_inputs(request, item: ServiceItem) -> list[services.MaterialInput]:
    inputs = []
    for spec in item.materials.all():
        file = request.FILES.get(f"material_{spec.pk}")
        reference = str(request.data.get(f"reference_{spec.pk}", "")).strip()
        later = str(request.data.get(f"later_{spec.pk}", "")).lower() in ("1", "true", "on", "yes")
        if file or reference or later:
            inputs.append(services.MaterialInput(spec=spec, file=file, reference=reference, later=later))
    return inputs


class OpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField()
    competent_office = serializers.CharField(required=False, allow_blank=True, default="")


class CorrectionSerializer(serializers.Serializer):
    corrections = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    materials = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False,
        help_text="the item's materials the corrections concern (their `materials[].spec`)",
    )  # fmt: skip


class ReviewSerializer(serializers.Serializer):
    opinion = serializers.CharField()


class DecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reasons = serializers.CharField()


class ExtendSerializer(serializers.Serializer):
    reason = serializers.CharField()
    days = serializers.IntegerField(default=services.EXTENSION_DAYS, min_value=1, max_value=services.EXTENSION_DAYS)


class SuspendSerializer(serializers.Serializer):
    procedure = serializers.ChoiceField(choices=services.SPECIAL_PROCEDURES)
    expected_days = serializers.IntegerField(min_value=1, max_value=250)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class VerifySerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField()
    correction_days = serializers.IntegerField(default=20, min_value=1, max_value=60)


class OriginalsSerializer(serializers.Serializer):
    matched = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HandOverSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConcludeCorrectionSerializer(serializers.Serializer):
    corrected = serializers.BooleanField()
    note = serializers.CharField()


class ResubmitSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# -- views ---------------------------------------------------------------------------------------------------


class CaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Cases the caller works with: applicants and their agents their own, staff their agency's. (A case the
    caller may see for another reason, such as a member of staff's own application, is still readable by number.)"""

    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "number"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["status", "channel"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return (
            selectors.case_list(self.request.user)
            .select_related("item", "applicant", "claimed_by")
            .order_by("-submitted_at", "-id")
        )

    def get_serializer_class(self):
        return CaseSummarySerializer

    def _detail(self, number, code=status.HTTP_200_OK):
        case = selectors.case_for_actor(self.request.user, number)
        prefetch_related_objects([case], "materials__spec", "events__actor")
        return Response(CaseDetailSerializer(case, context={"request": self.request}).data, status=code)

    def retrieve(self, request, number=None):
        return self._detail(number)

    @extend_schema(
        request={"multipart/form-data": SubmitSerializer},
        responses={200: CaseDetailSerializer, 201: CaseDetailSerializer, 404: ErrorSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request):
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = catalog.item_for_application(values["item"])
        if item is None:
            raise NotFound(_("No published item has the code %(code)s.") % {"code": values["item"]})
        key = request.headers.get("Idempotency-Key", "")[:100]
        submitted = services.submit_application(
            actor=request.user, item=item,
            applicant={"kind": values["applicant_kind"], "name": values["applicant_name"],
                       "id_number": values.get("id_number", ""), "credit_code": values.get("credit_code", ""),
                       "phone": values.get("phone", ""), "email": values.get("email", ""),
                       "check_override_reason": values.get("check_override_reason", "")},
            channel=values["channel"], materials=material_inputs(request, item), form_data=values["form_data"],
            idempotency_key=key, commitment_signed=values["commitment_signed"],
            normal_procedure=values["normal_procedure"], delivery_method=values["delivery_method"],
            delivery_address=values["delivery_address"], paper_pickup=values["paper_pickup"],
        )  # fmt: skip
        return self._detail(submitted.case.number, status.HTTP_201_CREATED if submitted.created else status.HTTP_200_OK)

    def _act(self, request, number, serializer_class, service, **fixed):
        selectors.case_for_actor(request.user, number)  # 404 for a case the caller may not see
        params = serializer_class(data=request.data)
        params.is_valid(raise_exception=True)
        service(actor=request.user, number=number, **fixed, **params.validated_data)
        return self._detail(number)

    @extend_schema(request=OpinionSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, number=None):
        return self._act(request, number, OpinionSerializer, services.accept_case)

    @extend_schema(request=RefuseSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, number=None):
        return self._act(request, number, RefuseSerializer, services.refuse_case)

    @extend_schema(request=CorrectionSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-correction")
    def request_correction(self, request, number=None):
        return self._act(request, number, CorrectionSerializer, services.request_correction)

    @extend_schema(request={"multipart/form-data": ResubmitSerializer}, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, number=None):
        case = selectors.case_for_actor(request.user, number)
        materials = material_inputs(request, case.item)
        return self._act(request, number, ResubmitSerializer, services.resubmit_correction, materials=materials)

    @extend_schema(request=ReviewSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, number=None):
        return self._act(request, number, ReviewSerializer, services.review_case)

    @extend_schema(request=DecideSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, number=None):
        return self._act(request, number, DecideSerializer, services.decide_case)

    @extend_schema(request=OpinionSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def file_case(self, request, number=None):
        return self._act(request, number, OpinionSerializer, services.file_case)

    @extend_schema(request=ExtendSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, number=None):
        return self._act(request, number, ExtendSerializer, services.extend_case)

    @extend_schema(request=SuspendSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, number=None):
        return self._act(request, number, SuspendSerializer, services.suspend_case)

    @extend_schema(request=OpinionSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, number=None):
        return self._act(request, number, OpinionSerializer, services.resume_case)

    @extend_schema(request=WithdrawSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, number=None):
        return self._act(request, number, WithdrawSerializer, services.withdraw_case)

    @extend_schema(request=VerifySerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, number=None):
        return self._act(request, number, VerifySerializer, services.verify_commitment)

    @extend_schema(request=OriginalsSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="check-originals")
    def check_originals(self, request, number=None):
        return self._act(request, number, OriginalsSerializer, services.check_originals)

    @extend_schema(request=HandOverSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, number=None):
        return self._act(request, number, HandOverSerializer, services.hand_over_result)

    @extend_schema(request=ConcludeCorrectionSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="conclude-correction")
    def conclude_correction(self, request, number=None):
        return self._act(request, number, ConcludeCorrectionSerializer, services.conclude_correction)

    @extend_schema(request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, number=None):
        selectors.case_for_actor(request.user, number)
        services.claim_case(actor=request.user, number=number)
        return self._detail(number)

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})  # the material's own type (PDF, JPEG, ...)
    @action(detail=True, methods=["get"], url_path=r"materials/(?P<material_id>\d+)/file", url_name="material-file",
            permission_classes=[permissions.AllowAny])  # fmt: skip
    def material_file(self, request, number=None, material_id=None):
        """An uploaded material of a case the caller may see, downloaded under the material's name. Anyone else,
        signed in or not, gets 404, as for a case that does not exist."""
        case = selectors.case_for_actor(request.user, number)
        material = case.materials.select_related("spec").filter(pk=material_id).exclude(file="").first()
        if material is None:
            raise NotFound(_("This case has no such file."))
        return private_file_response(material.file, filename=material.download_name)


class InboxViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The staff member's queues: unclaimed, mine, due_soon, overdue, suspended (`?queue=`)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = CaseSummarySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        queue = self.request.query_params.get("queue", "unclaimed")
        if queue not in selectors.QUEUES:
            raise DomainError(
                _("Unknown queue; use one of %(queues)s.") % {"queues": ", ".join(selectors.QUEUES)},
                code="invalid_queue",
            )
        return selectors.inbox(self.request.user, queue)

    @extend_schema(parameters=[OpenApiParameter("queue", str, enum=list(selectors.QUEUES))])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
