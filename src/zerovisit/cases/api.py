"""/api/v1/cases/: apply, read, act (`POST /api/v1/cases/{number}/{action}/`) and the staff inbox.

Thin: serializers check the shape of the input, selectors decide what the caller may see, services do the rest.
"""

import base64
import datetime
import json

import django_filters
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from zerovisit.accounts.models import ApplicantKind
from zerovisit.catalog import selectors as catalog
from zerovisit.catalog.models import ServiceItem
from zerovisit.core.api import CleanJSONField, invalid_parameter
from zerovisit.core.errors import DomainError, NotFound
from zerovisit.core.filters import FilterBackend, IdFilter
from zerovisit.core.openapi import ErrorSerializer
from zerovisit.core.serving import private_file_response
from zerovisit.org.models import Region

from . import selectors, services
from .models import ApplicationDraft, Case, CaseEvent, CaseMaterial, CaseStatus, Channel, DeliveryMethod

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


# A list's rows are read as values and written by summary_row: the fields of CaseSummarySerializer (which the
# schema describes, and which a test holds them to) without a serializer's work per field, a quarter of a list's time.
SUMMARY_COLUMNS = (
    "number", "item__impl_code", "item__name", "applicant__name", "applicant__id_number_masked",
    "applicant__credit_code", "channel", "status", "stage_order", "submitted_at", "acceptance_due", "decision_due",
    "due", "due_estimated", "claimed_by__display_name", "claimed_by__username",
)  # fmt: skip
_DATETIME, _DATE = serializers.DateTimeField(), serializers.DateField()


def summary_row(row: dict) -> dict:
    claimed_by = row["claimed_by__display_name"] or row["claimed_by__username"]
    applicant_code = row["applicant__id_number_masked"] or row["applicant__credit_code"]
    return {
        "number": row["number"], "item": row["item__impl_code"], "item_name": row["item__name"],
        "applicant": f"{row['applicant__name']}（{applicant_code}）",
        "channel": row["channel"], "status": row["status"], "status_display": str(CaseStatus(row["status"]).label),
        "stage_order": row["stage_order"], "submitted_at": _DATETIME.to_representation(row["submitted_at"]),
        "acceptance_due": _date(row["acceptance_due"]), "decision_due": _date(row["decision_due"]),
        "due": _date(row["due"]), "due_estimated": row["due_estimated"], "claimed_by": claimed_by,
    }  # fmt: skip


def _date(value):
    return None if value is None else _DATE.to_representation(value)


class CaseDetailSerializer(CaseSummarySerializer):
    process = serializers.CharField(source="process.code", help_text="the process the case was filed under")
    stage = serializers.CharField(
        source="stage.name",
        default=None,
        allow_null=True,
        help_text="the stage the case is at; null once past the last",
    )
    steps = serializers.SerializerMethodField(help_text="the steps (`POST …/{step}/`) the caller may take now")
    materials = CaseMaterialSerializer(many=True)
    events = serializers.SerializerMethodField(help_text="the history, as the caller may read it")

    @extend_schema_field(CaseEventSerializer(many=True))
    def get_events(self, case) -> list[dict]:
        return CaseEventSerializer(self.context["events"], many=True).data

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


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    item = django_filters.CharFilter(label="implementation code of the item")
    agency = IdFilter(label="id of the agency")
    region = django_filters.CharFilter(label="division code; the region's agencies and those of all below it")
    submitted_from = django_filters.DateFilter(label="submitted on this day or later")
    submitted_to = django_filters.DateFilter(label="submitted on this day or earlier")


def case_filters(request, view) -> selectors.CaseFilters:
    """The list's filters from the query, each checked (400 `invalid_filter` for a value that is not one)."""
    values = FilterBackend().checked_filterset(request, Case.objects.none(), view).form.cleaned_data
    region = None
    if values["region"]:
        region = Region.objects.filter(code=values["region"]).first()
        if region is None:
            message = _("No region has the division code %(code)s.") % {"code": values["region"]}
            raise invalid_parameter("region", "invalid_filter", message)
    return selectors.CaseFilters(
        status=values["status"], channel=values["channel"], item=values["item"],
        agency=values["agency"],
        region=region.prefix if region else None,
        submitted_from=values["submitted_from"], submitted_to=values["submitted_to"],
    )  # fmt: skip


def _cursor_position(value: str) -> tuple[datetime.datetime, int] | None:
    """The (submitted_at, id) a walk's cursor stands for; None for `start`; 400 for anything else."""
    if value == "start":
        return None
    try:
        submitted_at, pk = base64.urlsafe_b64decode(value.encode("ascii")).decode().split("|")
        position = datetime.datetime.fromisoformat(submitted_at), int(pk)
    except ValueError:  # also what a bad base64, a non-ASCII value or a wrong split raises
        position = None
    if position is None or position[0].tzinfo is None:
        message = _("This cursor is not one the list gave; start again with cursor=start.")
        raise invalid_parameter("cursor", "invalid_cursor", message)
    return position


class CaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Cases the caller works with: applicants and their agents their own, staff their agency's, regional
    supervisors, auditors and administrators those of every agency in their region. (A case the caller may see for
    another reason, such as a member of staff's own application, is still readable by number.)"""

    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "number"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = CaseFilter
    queryset = Case.objects.none()  # for the schema; the selectors decide what each caller reads

    def get_serializer_class(self):
        return CaseSummarySerializer

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str, description=(
            "walk the whole list instead of numbered pages: `start` for the first page, then each answer's `next`; "
            "stable while cases are added, and the answer has no count"))],
    )  # fmt: skip
    def list(self, request):
        listing = selectors.case_list(request.user, case_filters(request, self))
        if "cursor" in request.query_params:
            return self._walk(request, listing.cases)
        rows = self.paginator.paginate_queryset(
            listing.cases.values(*SUMMARY_COLUMNS), request, view=self, count=listing.count()
        )
        return self.paginator.get_paginated_response([summary_row(row) for row in rows])

    def _walk(self, request, cases):
        """Keyset pagination for systems that read every case: each page starts after the last (submitted_at, id)
        of the one before, so that cases added meanwhile (which come first, being newest) move nothing."""
        if "page" in request.query_params:
            raise DomainError(_("Give either page or cursor, not both."), code="invalid_cursor")
        after = _cursor_position(request.query_params["cursor"])
        if after is not None:
            submitted_at, pk = after
            cases = cases.filter(Q(submitted_at__lt=submitted_at) | Q(submitted_at=submitted_at, pk__lt=pk))
        size = self.paginator.get_page_size(request)
        rows = list(cases.values("pk", *SUMMARY_COLUMNS)[: size + 1])
        next_url = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            token = base64.urlsafe_b64encode(f"{last['submitted_at'].isoformat()}|{last['pk']}".encode()).decode()
            next_url = replace_query_param(request.build_absolute_uri(), "cursor", token)
        return Response({"next": next_url, "results": [summary_row(row) for row in rows]})

    def _detail(self, number, code=status.HTTP_200_OK):
        case = selectors.case_for_actor(self.request.user, number, item_fields=("impl_code", "name"))
        prefetch_related_objects([case], Prefetch("materials", CaseMaterial.objects.select_related("spec")))
        events = selectors.timeline_for(self.request.user, CaseEvent.objects.filter(case=case).select_related("actor"))
        context = {"request": self.request, "events": events}
        return Response(CaseDetailSerializer(case, context=context).data, status=code)

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
        rows = self.paginate_queryset(self.get_queryset().values(*SUMMARY_COLUMNS))
        return self.get_paginated_response([summary_row(row) for row in rows])


# -- drafts (暂存) --------------------------------------------------------------------------------------------


class DraftMaterialSerializer(serializers.Serializer):
    spec = serializers.IntegerField(source="spec_id")
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class ApplicationDraftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    impl_code = serializers.CharField()
    item_name = serializers.CharField()
    saved_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    materials = DraftMaterialSerializer(many=True)
    answers = serializers.SerializerMethodField()

    def get_answers(self, draft) -> dict:
        return services.draft_answers(draft) if self.context.get("with_answers") else {}


DRAFT_ANSWERS_HELP = (
    "the form's answers so far, as the apply form names its fields (an object; as JSON text in a multipart form)"
)


class ApplicationDraftInputSerializer(serializers.Serializer):
    """Saving over a draft (PUT): its answers replaced, its item the one it was started for."""

    answers = CleanJSONField(help_text=DRAFT_ANSWERS_HELP)


class NewApplicationDraftSerializer(serializers.Serializer):
    impl_code = serializers.CharField(max_length=31, help_text="implementation code of the item applied for")
    answers = CleanJSONField(required=False, default=dict, help_text=DRAFT_ANSWERS_HELP)


def _answers_object(answers) -> dict:
    """A draft's answers: an object whose values are texts or lists of texts (JSON text in a multipart form)."""
    if isinstance(answers, str):
        try:
            answers = json.loads(answers)
        except ValueError:
            answers = None

    def text(value):
        return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))

    if not isinstance(answers, dict) or not all(text(value) for value in answers.values()):
        raise DomainError(_("The answers are an object of texts."), code="invalid_answers")
    return answers


class ApplicationDraftViewSet(viewsets.ViewSet):
    """The caller's application drafts (暂存), to resume on any device: list, read (with the answers), save
    (`POST` a new one, `PUT` over one; files as `material_<spec id>`), delete. Sent by `POST /api/v1/cases/`."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = ApplicationDraftSerializer
    queryset = ApplicationDraft.objects.none()  # names the model for the schema; reads go through selectors

    def list(self, request):
        drafts = selectors.drafts_of(request.user)
        return Response(ApplicationDraftSerializer(drafts, many=True).data)

    def retrieve(self, request, pk=None):
        draft = selectors.draft_for(request.user, pk)
        return Response(ApplicationDraftSerializer(draft, context={"with_answers": True}).data)

    @extend_schema(request=NewApplicationDraftSerializer, responses={201: ApplicationDraftSerializer})
    def create(self, request):
        return self._save(request, None, status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationDraftInputSerializer, responses=ApplicationDraftSerializer)
    def update(self, request, pk=None):
        return self._save(request, selectors.draft_for(request.user, pk), status.HTTP_200_OK)

    def destroy(self, request, pk=None):
        services.discard_draft(user=request.user, draft=selectors.draft_for(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _save(self, request, draft, code):
        given = (ApplicationDraftInputSerializer if draft else NewApplicationDraftSerializer)(data=request.data)
        given.is_valid(raise_exception=True)
        item = catalog.item_for_application(draft.impl_code if draft else given.validated_data["impl_code"])
        if item is None:
            raise DomainError(_("Name a published item (impl_code)."), code="item_not_found")
        answers = _answers_object(given.validated_data["answers"])
        files = {spec.pk: request.FILES[f"material_{spec.pk}"] for spec in item.materials.all()
                 if f"material_{spec.pk}" in request.FILES}  # fmt: skip
        draft = services.save_draft(user=request.user, item=item, answers=answers, files=files, draft=draft)
        return Response(ApplicationDraftSerializer(draft, context={"with_answers": True}).data, status=code)
