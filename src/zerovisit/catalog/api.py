"""/api/v1/ for the catalogue: public reads (items, materials, search, reference lists) and editors' writes
(drafts, publishing, import, export). Thin: forms and selectors read, services write."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from zerovisit.core import audit
from zerovisit.core.errors import DomainError, NotFound
from zerovisit.core.filters import form_problems, value_problems
from zerovisit.core.openapi import ErrorSerializer, required_text
from zerovisit.org.models import Agency, Region

from . import listfile, selectors, services, transfers
from .forms import CatalogueQueryForm
from .models import (
    ItemStatus,
    ItemType,
    MaterialSpec,
    PowerTransfer,
    ProcessStage,
    ProcessTemplate,
    ServiceItem,
    Theme,
    TransferredItem,
)

# -- output --------------------------------------------------------------------------------------------------


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaterialSpec
        fields = [
            "id",
            "name",
            "material_type",
            "form",
            "necessity",
            "source",
            "copies",
            "blank_form",
            "sample",
            "notes",
            "order",
        ]


class ItemSummarySerializer(serializers.ModelSerializer):
    item_type = serializers.CharField(source="item_type_id")
    item_type_name = serializers.CharField(source="item_type.name")
    agency_name = serializers.CharField(source="agency.name")
    region_code = serializers.CharField(source="region.code")
    zero_visits = serializers.BooleanField()

    class Meta:
        model = ServiceItem
        fields = [
            "impl_code",
            "version",
            "name",
            "base_code",
            "item_type",
            "item_type_name",
            "agency",
            "agency_name",
            "region_code",
            "level",
            "case_kind",
            "legal_days",
            "promised_days",
            "visits_required",
            "zero_visits",
            "online_level",
            "assurance_level",
            "is_high_frequency",
            "is_investment",
            "is_convenience",
        ]


class ProcessStageSerializer(serializers.ModelSerializer):
    agencies = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = ProcessStage
        fields = ["order", "action", "name", "role", "share", "agencies"]


class ProcessTemplateSerializer(serializers.ModelSerializer):
    stages = ProcessStageSerializer(many=True)

    class Meta:
        model = ProcessTemplate
        fields = ["code", "name", "kind", "description", "stages"]


class ItemDetailSerializer(ItemSummarySerializer):
    materials = MaterialSerializer(many=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    transferred_from = serializers.CharField(source="transferred_from.name", default=None, allow_null=True)
    hall = serializers.CharField(source="hall.name", default=None, allow_null=True)
    window = serializers.CharField(source="window.name", default=None, allow_null=True)
    process_template = ProcessTemplateSerializer()
    effective_legal_days = serializers.IntegerField(
        read_only=True, allow_null=True,
        help_text="the legal limit that binds the item: legal_days, else 20 for a 行政许可 item (行政许可法 Art. 42)",
    )  # fmt: skip

    class Meta(ItemSummarySerializer.Meta):
        fields = [f.name for f in ServiceItem._meta.concrete_fields if f.name not in ("id", "created_by", "region")]
        fields += ["item_type_name", "agency_name", "region_code", "zero_visits", "effective_legal_days", "themes",
                   "materials"]  # fmt: skip


class ItemTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemType
        fields = ["code", "name"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "audience", "kind"]


# -- public reads --------------------------------------------------------------------------------------------

QUERY_PARAMETERS = [
    OpenApiParameter("q", str, description="Chinese words, full pinyin or pinyin initials (yyzz)"),
    OpenApiParameter("type", {"type": "string", "minLength": 1}, description="item type code, e.g. 01"),
    OpenApiParameter("agency", {"type": "integer", "minimum": 1}, description="agency id"),
    OpenApiParameter(
        "region", {"type": "string", "minLength": 1}, description="region division code; includes the regions below it"
    ),
    OpenApiParameter(
        "place",
        {"type": "string", "minLength": 1},
        description="division code of where the applicant lives: for each base item only the implementation that "
        "serves that place (its own region's, else the nearest above; one from below where none does)",
    ),
    OpenApiParameter("level", int, enum=[1, 2, 3, 4, 5, 6], description="exercise level 1–6"),
    OpenApiParameter("theme", {"type": "string", "minLength": 1}, description="theme slug"),
    OpenApiParameter("zero_visits", bool, description="only items needing no visit"),
    OpenApiParameter("focus", str, enum=["high_frequency", "investment", "convenience"]),
]
# Filters that name a value, unlike the free text `q`: the API refuses them empty (the portal's form reads an
# empty choice as "all"), and a type, agency, region, place or theme that does not exist with 400 `invalid_query`.
_VALUE_FILTERS = ("type", "agency", "region", "place", "level", "theme", "zero_visits", "focus")


def _query(request):
    params = request.query_params
    errors = value_problems(params, _VALUE_FILTERS, booleans=["zero_visits"])
    form = CatalogueQueryForm(params)
    if not errors and not form.is_valid():
        errors = form_problems(form)
    if errors:
        raise DomainError(errors[0]["message"], code="invalid_query", errors=errors)
    return form.cleaned_data["q"], form.filters()


class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Published items. Without `q` the list is ordered high-frequency first, then by name; with `q` by rank."""

    lookup_field = "impl_code"
    permission_classes = [permissions.AllowAny]
    queryset = ServiceItem.objects.none()  # reads go through selectors; this only names the model for the schema

    def get_serializer_class(self):
        return ItemDetailSerializer if self.action == "retrieve" else ItemSummarySerializer

    @extend_schema(parameters=QUERY_PARAMETERS)
    def list(self, request):
        query, filters = _query(request)
        page = self.paginate_queryset(selectors.search_items(query, filters))
        return self.get_paginated_response(ItemSummarySerializer(page, many=True).data)

    def retrieve(self, request, impl_code=None):
        item = selectors.published_item(impl_code)
        if item is None:
            raise NotFound(_("No published item has this code."))
        return Response(ItemDetailSerializer(item).data)

    @extend_schema(responses=MaterialSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def materials(self, request, impl_code=None):
        item = selectors.published_item(impl_code)
        if item is None:
            raise NotFound(_("No published item has this code."))
        return Response(MaterialSerializer(item.materials.all(), many=True).data)


class SearchView(generics.GenericAPIView):
    """Search published items: ranked by exact name, then name words, then other fields; high-frequency first
    among equals. Accepts the same filters as the item list."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ItemSummarySerializer
    queryset = ServiceItem.objects.none()  # results come from selectors.search_items()

    @extend_schema(
        parameters=[*QUERY_PARAMETERS[1:], OpenApiParameter("q", required_text(maxLength=100), required=True)],
        responses=ItemSummarySerializer(many=True),
    )
    def get(self, request):
        query, filters = _query(request)
        if not query.strip():
            raise DomainError(_("Enter something to search for."), code="query_required")
        page = self.paginate_queryset(selectors.search_items(query, filters))
        return self.get_paginated_response(ItemSummarySerializer(page, many=True).data)


class ItemTypeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ItemType.objects.all()
    serializer_class = ItemTypeSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None


class ProcessTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ProcessTemplate.objects.prefetch_related("stages__agencies")
    serializer_class = ProcessTemplateSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    pagination_class = None
    filterset_fields = ["kind"]


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Theme.objects.all()
    serializer_class = ThemeSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    pagination_class = None
    filterset_fields = ["audience", "kind"]


# -- editors' writes -----------------------------------------------------------------------------------------


class MaterialInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaterialSpec
        fields = ["name", "material_type", "form", "necessity", "source", "copies", "notes", "order"]


class DraftInputSerializer(serializers.ModelSerializer):
    """Builds an unsaved item from the request; every rule is checked by the service, not here."""

    item_type = serializers.PrimaryKeyRelatedField(queryset=ItemType.objects.all())
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.select_related("region"))
    transferred_from = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    themes = serializers.SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(), many=True, required=False)
    process_template = serializers.SlugRelatedField(
        slug_field="code", queryset=ProcessTemplate.objects.all(), required=False,
        help_text="template code; the standard one for the case kind and reform mode when left out",
    )  # fmt: skip
    materials = MaterialInputSerializer(many=True, required=False)

    class Meta:
        model = ServiceItem
        exclude = ["id", "impl_code", "version", "status", "region", "created_by", "published_at", "hall", "window"]


class DraftViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Draft versions of the items the caller may edit (their agency, or their region for regional admins)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ItemDetailSerializer

    def get_queryset(self):
        return (
            ServiceItem.objects.filter(
                status=ItemStatus.DRAFT, agency__in=services.editable_agencies(self.request.user)
            )
            .select_related("agency", "region", "item_type", "transferred_from", "hall", "window")
            .prefetch_related("materials", "themes")
            .order_by("-updated_at", "id")
        )

    def _save(self, request, item=None, partial=False):
        data = DraftInputSerializer(instance=item, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        materials = values.pop("materials", None)
        themes = values.pop("themes", None)
        item = item or ServiceItem()
        for name, value in values.items():
            setattr(item, name, value)
        services.item_save_draft(
            actor=request.user,
            item=item,
            materials=[MaterialSpec(**m) for m in materials] if materials is not None else None,
            themes=themes,
        )
        return Response(
            ItemDetailSerializer(selectors.item_version(item.pk)).data,
            status=status.HTTP_200_OK if partial or data.instance else status.HTTP_201_CREATED,
        )

    @extend_schema(request=DraftInputSerializer, responses=ItemDetailSerializer)
    def create(self, request):
        return self._save(request)

    @extend_schema(request=DraftInputSerializer, responses=ItemDetailSerializer)
    def update(self, request, pk=None, partial=False):
        return self._save(request, self.get_object(), partial=partial)

    @extend_schema(request=None, responses=ItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        item = services.item_publish(actor=request.user, item=self.get_object())
        return Response(ItemDetailSerializer(selectors.item_version(item.pk)).data)


class NewDraftView(APIView):
    """Start a new version of a published item (a draft copy of it)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: ItemDetailSerializer})
    def post(self, request, impl_code):
        item = get_object_or_404(
            ServiceItem.objects.select_related("agency__region"), impl_code=impl_code, status=ItemStatus.PUBLISHED
        )
        draft = services.item_new_draft(actor=request.user, item=item)
        return Response(ItemDetailSerializer(selectors.item_version(draft.pk)).data, status=status.HTTP_201_CREATED)


ImportReportSerializer = inline_serializer(
    "ImportReport",
    {
        "total": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "written": serializers.BooleanField(),
    },
)


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)
    draft = serializers.BooleanField(default=False)

    def validate_file(self, upload):
        if upload.size > settings.MAX_IMPORT_FILE_BYTES:
            raise serializers.ValidationError(_("The file is too large."), code="file_too_large")
        return upload


class ImportView(APIView):
    """Import an implementation list (XLSX or CSV). All rows or none: a file with any bad row is refused with a
    422 listing every problem as {row, column, message}."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(request=ImportRequestSerializer, responses={200: ImportReportSerializer, 422: OpenApiTypes.OBJECT})
    def post(self, request):
        if not services.editable_agencies(request.user).exists():
            raise services.PermissionDenied()
        params = ImportRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        upload = params.validated_data["file"]
        try:
            rows = listfile.read_rows(upload.read(), upload.name)
        except listfile.FileFormatError as exc:
            raise DomainError(str(exc), code="unreadable_file") from exc
        report = services.catalogue_import(
            actor=request.user,
            rows=rows,
            publish=not params.validated_data["draft"],
            dry_run=params.validated_data["dry_run"],
        )
        if not report.ok:
            raise services.ImportRejected(
                ngettext(
                    "%(n)s problem found; nothing was written.",
                    "%(n)s problems found; nothing was written.",
                    len(report.problems),
                )
                % {"n": len(report.problems)},
                errors=[{"row": r, "column": c, "message": m} for r, c, m in report.problems],
            )
        return Response(
            {
                "total": report.total,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "written": report.written,
            }
        )


class ExportView(APIView):
    """Download the current versions of the caller's editable items as an implementation list."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["xlsx", "csv"])],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"): OpenApiTypes.BINARY
        },
    )
    def get(self, request):
        fmt = request.query_params.get("format", "xlsx")
        if fmt not in ("xlsx", "csv"):
            raise DomainError(_("format must be xlsx or csv."), code="invalid_format")
        rows = [
            listfile.row_from_item(item, item.materials.all(), item.themes.all())
            for item in selectors.export_items(agencies=services.editable_agencies(request.user))
        ]
        body = listfile.write_xlsx(rows) if fmt == "xlsx" else listfile.write_csv(rows)
        audit.record_export(actor=request.user, what="catalog.serviceitem", rows=len(rows), format=fmt)
        content_type = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            if fmt == "xlsx"
            else "text/csv; charset=utf-8"
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="catalogue.{fmt}"'
        return response


class TransferredItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = TransferredItem
        fields = ["name", "from_code", "to_code"]


class PowerTransferSerializer(serializers.ModelSerializer):
    from_agency = serializers.CharField(source="from_agency.name")
    to_agency = serializers.CharField(source="to_agency.name")
    item_count = serializers.IntegerField()
    items = TransferredItemSerializer(many=True)

    class Meta:
        model = PowerTransfer
        fields = ["id", "kind", "document", "document_number", "effective_on", "from_agency", "to_agency",
                  "item_count", "items", "carried_out_at"]  # fmt: skip


class PowerTransferViewSet(viewsets.ReadOnlyModelViewSet):
    """Power transfers (划转、下放、委托), newest first, each with its items and their count: public, as the
    reform's published lists are. `?to_agency=<id>` or `?from_agency=<id>` narrow the list."""

    serializer_class = PowerTransferSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        batches = transfers.transfers_with_counts().prefetch_related("items")
        for side in ("to_agency", "from_agency"):
            value = self.request.query_params.get(side, "")
            if value:
                if not value.isdigit():
                    raise DomainError(_("Give the agency's id."), code="invalid_agency")
                batches = batches.filter(**{f"{side}_id": int(value)})
        return batches.order_by("-effective_on", "-id")


class PowersHeldSerializer(serializers.Serializer):
    agency = serializers.CharField()
    powers = serializers.IntegerField()


class PowersHeldView(APIView):
    """Per agency, how many items it implements by transfer now; `?region=<division code>` for one region and
    everything below it."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[OpenApiParameter("region", str)],
                   responses={200: PowersHeldSerializer(many=True), 404: ErrorSerializer})  # fmt: skip
    def get(self, request):
        code = request.query_params.get("region", "")
        region = None
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise NotFound(_("No region has this code."))
        return Response(transfers.powers_held(region))
