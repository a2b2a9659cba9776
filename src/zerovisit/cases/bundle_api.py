"""/api/v1/bundles/ (一件事 as the catalogue offers them) and /api/v1/bundle-cases/ (applying for one, following
it, answering its corrections, withdrawing it). Thin: the services and selectors of cases do the work."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from zerovisit.accounts.models import ApplicantKind
from zerovisit.catalog import bundles as catalog_bundles
from zerovisit.catalog.models import Bundle
from zerovisit.core.api import CleanJSONField
from zerovisit.core.errors import NotFound
from zerovisit.core.openapi import ErrorSerializer
from zerovisit.org.models import Region

from . import selectors
from .models import BundleCase, Channel, DeliveryMethod
from .services import bundles

TRUE = ("1", "true", "on", "yes")

# -- the catalogue's bundles ---------------------------------------------------------------------------------


class BundleMemberSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    impl_code = serializers.CharField()
    name = serializers.CharField()
    after = serializers.ListField(child=serializers.IntegerField(), help_text="positions whose results it needs")


class CombinedMaterialSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="send it as `material_<name>`, or `later_<name>` when it may follow")
    required = serializers.BooleanField()
    may_follow = serializers.BooleanField(help_text="容缺后补: may be sent after the application")
    from_library = serializers.BooleanField(help_text="taken from the applicant's licences when they hold one")
    members = serializers.ListField(child=serializers.CharField(), help_text="the items that ask for it")


class BundleSummarySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    members = BundleMemberSerializer(many=True)

    class Meta:
        model = Bundle
        fields = ["code", "name", "description", "region", "audience", "promised_days", "on_refusal", "members"]


class BundleDetailSerializer(BundleSummarySerializer):
    form_fields = serializers.JSONField(help_text="the combined application form, as an item's form_fields")
    materials = serializers.SerializerMethodField()
    delivery_methods = serializers.SerializerMethodField(help_text="how every result may be delivered")

    @extend_schema_field(CombinedMaterialSerializer(many=True))
    def get_materials(self, bundle) -> list[dict]:
        return CombinedMaterialSerializer(self.context["materials"], many=True).data

    def get_delivery_methods(self, bundle) -> list[str]:
        return self.context["delivery_methods"]

    class Meta(BundleSummarySerializer.Meta):
        fields = [*BundleSummarySerializer.Meta.fields, "form_fields", "materials", "delivery_methods"]


class BundleViewSet(viewsets.ReadOnlyModelViewSet):
    """一件事: the published bundles (`?region=` a 12-digit code: those offered there), and one with its combined
    form and materials."""

    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    serializer_class = BundleSummarySerializer

    def get_queryset(self):
        code = self.request.query_params.get("region", "")
        region = Region.objects.filter(code=code).first() if code else None
        if code and region is None:
            return Bundle.objects.none()
        return catalog_bundles.published_bundles(region).order_by("pk")

    @extend_schema(responses={200: BundleDetailSerializer, 404: ErrorSerializer})
    def retrieve(self, request, code=None):
        bundle = catalog_bundles.published_bundle(code)
        if bundle is None:
            raise NotFound(_("No published bundle has the code %(code)s.") % {"code": code})
        items = bundles.member_items(bundle)
        materials, methods = bundles.combined_materials(bundle, items), bundles.delivery_methods(items)
        context = {"materials": materials, "delivery_methods": methods}
        return Response(BundleDetailSerializer(bundle, context=context).data)


# -- applications for bundles --------------------------------------------------------------------------------


class MemberSerializer(serializers.Serializer):
    number = serializers.CharField(source="case.number")
    item = serializers.CharField(source="case.item.impl_code")
    item_name = serializers.CharField(source="case.item.name")
    agency = serializers.CharField(source="case.agency.name")
    status = serializers.CharField(source="case.status")
    status_display = serializers.CharField(source="case.get_status_display")
    stage = serializers.CharField(source="case.stage.name", default=None, allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    waits_for = serializers.ListField(child=serializers.CharField())


class CorrectionAskedSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="answer with `material_<name>`")
    reasons = serializers.ListField(child=serializers.CharField())
    members = serializers.ListField(child=serializers.CharField())


class ResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    case = serializers.CharField()
    download_url = serializers.CharField()


class BundleCaseSummarySerializer(serializers.ModelSerializer):
    bundle = serializers.CharField(source="bundle.code")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = BundleCase
        fields = ["number", "bundle", "name", "status", "status_display", "channel", "submitted_at", "due",
                  "due_estimated", "concluded_at"]  # fmt: skip


class BundleCaseDetailSerializer(BundleCaseSummarySerializer):
    members = serializers.SerializerMethodField()
    corrections = serializers.SerializerMethodField(help_text="what the members asked to correct, once per material")
    answer_due = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField(help_text="every licence and written notice issued so far")

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, bundle_case) -> list[dict]:
        return MemberSerializer(self.context["progress"].members, many=True).data

    @extend_schema_field(CorrectionAskedSerializer(many=True))
    def get_corrections(self, bundle_case) -> list[dict]:
        return CorrectionAskedSerializer(self.context["progress"].corrections, many=True).data

    def get_answer_due(self, bundle_case) -> str | None:
        due = self.context["progress"].answer_due
        return due.isoformat() if due else None

    @extend_schema_field(ResultSerializer(many=True))
    def get_results(self, bundle_case) -> list[dict]:
        progress = self.context["progress"]
        results = [{"kind": "license", "name": lic.license_type.name, "case": lic.case.number,
                    "download_url": reverse("case_license_file", args=[lic.case.number, lic.pk])}
                   for lic in progress.licenses if lic.file]  # fmt: skip
        results += [{"kind": "notice", "name": notice.kind, "case": notice.case.number,
                     "download_url": reverse("notice_file", args=[notice.case.number, notice.pk])}
                    for notice in progress.notices]  # fmt: skip
        return ResultSerializer(results, many=True).data

    class Meta(BundleCaseSummarySerializer.Meta):
        fields = [*BundleCaseSummarySerializer.Meta.fields, "form_data", "delivery_method", "members", "corrections",
                  "answer_due", "results"]  # fmt: skip


class BundleApplySerializer(serializers.Serializer):
    """An application for a bundle. Materials travel as multipart fields named by the material's name:
    `material_<name>` (a file) or `later_<name>` (容缺后补)."""

    bundle = serializers.CharField(help_text="the bundle's code")
    channel = serializers.ChoiceField(choices=[Channel.WEB, Channel.MOBILE, Channel.KIOSK, Channel.PROXY],
                                      default=Channel.WEB)  # fmt: skip
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices)
    applicant_name = serializers.CharField(max_length=200)
    id_number = serializers.CharField(required=False, allow_blank=True)
    credit_code = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.RegexField(r"^1\d{10}$", required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    form_data = CleanJSONField(required=False, default=dict, binary=True)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices, default=DeliveryMethod.HALL)
    delivery_address = CleanJSONField(required=False, default=dict, binary=True)


class BundleAnswerSerializer(serializers.Serializer):
    """The corrected materials, as `material_<name>` files, and a note."""

    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class BundleWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


def named_files(request) -> dict:
    return {key[len("material_") :]: f for key, f in request.FILES.items() if key.startswith("material_")}


def named_later(request) -> list[str]:
    return [key[len("later_"):] for key, value in request.data.items()
            if key.startswith("later_") and str(value).lower() in TRUE]  # fmt: skip


class BundleCaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Applications for bundles: one's own (the list), one with its members' progress, the corrections asked and
    the results so far (anyone who may see one of its member cases)."""

    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "number"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = BundleCaseSummarySerializer

    def get_queryset(self):
        return selectors.bundle_cases_of(self.request.user).select_related("bundle")

    def _detail(self, number, code=status.HTTP_200_OK):
        bundle_case = selectors.bundle_case_for_actor(self.request.user, number)
        context = {"progress": selectors.bundle_progress(bundle_case)}
        return Response(BundleCaseDetailSerializer(bundle_case, context=context).data, status=code)

    @extend_schema(responses={200: BundleCaseDetailSerializer, 404: ErrorSerializer})
    def retrieve(self, request, number=None):
        return self._detail(number)

    @extend_schema(
        request={"multipart/form-data": BundleApplySerializer},
        responses={200: BundleCaseDetailSerializer, 201: BundleCaseDetailSerializer, 404: ErrorSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request):
        data = BundleApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        bundle = catalog_bundles.published_bundle(values["bundle"])
        if bundle is None:
            raise NotFound(_("No published bundle has the code %(code)s.") % {"code": values["bundle"]})
        submitted = bundles.submit_bundle(
            actor=request.user, bundle=bundle, channel=values["channel"],
            applicant={"kind": values["applicant_kind"], "name": values["applicant_name"],
                       "id_number": values.get("id_number", ""), "credit_code": values.get("credit_code", ""),
                       "phone": values.get("phone", ""), "email": values.get("email", "")},
            form_data=values["form_data"], files=named_files(request), later=named_later(request),
            delivery_method=values["delivery_method"], delivery_address=values["delivery_address"],
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
        )  # fmt: skip
        return self._detail(submitted.bundle_case.number, status.HTTP_201_CREATED if submitted.created else 200)

    @extend_schema(request={"multipart/form-data": BundleAnswerSerializer},
                   responses={200: BundleCaseDetailSerializer, 404: ErrorSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def resubmit(self, request, number=None):
        """Answer every correction the members asked for at once: each material once, by name."""
        selectors.bundle_case_for_actor(request.user, number)
        params = BundleAnswerSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        bundles.answer_bundle_corrections(actor=request.user, number=number, files=named_files(request),
                                          note=params.validated_data["note"])  # fmt: skip
        return self._detail(number)

    @extend_schema(request=BundleWithdrawSerializer, responses={200: BundleCaseDetailSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, number=None):
        selectors.bundle_case_for_actor(request.user, number)
        params = BundleWithdrawSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        bundles.withdraw_bundle(actor=request.user, number=number, reason=params.validated_data["reason"])
        return self._detail(number)
