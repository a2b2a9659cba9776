"""The editors' catalogue workplace. Every save, publish, new version and import goes through catalog.services, and
an editor sees and changes only the items of the agencies services.editable_agencies() gives them."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from zerovisit.accounts.models import Role
from zerovisit.core import audit
from zerovisit.core.admin import ReadOnly
from zerovisit.core.errors import DomainError

from . import bundles, listfile, services, transfers
from .models import (
    Bundle,
    BundleMember,
    HandlingForm,
    ItemStatus,
    ItemType,
    MaterialSpec,
    OnlineDepth,
    PowerTransfer,
    ProcessStage,
    ProcessTemplate,
    ServiceItem,
    ServiceObject,
    Theme,
    TransferredItem,
)
from .models.process import structure_errors


@admin.register(ItemType)
class ItemTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "audience", "kind", "display_order"]
    list_filter = ["audience", "kind"]
    search_fields = ["name"]


class StageFormSet(forms.BaseInlineFormSet):
    """Checks the stages together against the template's kind (shape, roles, shares, parallel agencies)."""

    def clean(self):
        super().clean()
        forms_kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        forms_kept.sort(key=lambda f: f.cleaned_data.get("order") or 0)
        stages = [ProcessStage(**{k: f.cleaned_data.get(k) for k in ("action", "name", "role", "share")})
                  for f in forms_kept]  # fmt: skip
        counts = [len(f.cleaned_data.get("agencies") or []) for f in forms_kept]
        errors = structure_errors(self.instance.kind, stages, counts)
        if errors:
            raise forms.ValidationError(errors)


class ProcessStageInline(admin.TabularInline):
    model = ProcessStage
    formset = StageFormSet
    extra = 0
    fields = ["order", "action", "name", "role", "share", "agencies"]
    autocomplete_fields = ["agencies"]


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [ProcessStageInline]


class EditorPermissions:
    """Rights from the catalogue roles rather than Django's model permissions: an editor may work on drafts of
    the agencies they may edit and read everything of those agencies."""

    def has_module_permission(self, request):
        return services.editable_agencies(request.user).exists()

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or self._draft_editable(request, obj))

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) if obj is None else self._draft_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def _draft_editable(self, request, item):
        return item.status == ItemStatus.DRAFT and services.can_edit_agency(request.user, item.agency)


class ServiceItemForm(forms.ModelForm):
    """Check boxes instead of raw JSON for the multi-select elements."""

    handling_forms = forms.MultipleChoiceField(
        label=_("handling forms"), choices=HandlingForm.choices, widget=forms.CheckboxSelectMultiple
    )
    online_depth = forms.TypedMultipleChoiceField(
        label=_("online depth"), choices=OnlineDepth.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    service_objects = forms.MultipleChoiceField(
        label=_("service objects"), choices=ServiceObject.choices, widget=forms.CheckboxSelectMultiple
    )

    process_template = forms.ModelChoiceField(
        label=_("process"), queryset=ProcessTemplate.objects.all(), required=False,
        help_text=_("Leave empty for the standard process of the case kind and reform mode."),
    )  # fmt: skip

    class Meta:
        model = ServiceItem
        fields = [
            "handling_forms",
            "online_depth",
            "service_objects",
            "process_template",
        ]  # the admin adds the rest from its fieldsets


class MaterialSpecInline(EditorPermissions, admin.TabularInline):
    model = MaterialSpec
    extra = 0
    fields = [
        "order",
        "name",
        "material_type",
        "form",
        "necessity",
        "source",
        "copies",
        "blank_form",
        "sample",
        "notes",
    ]


@admin.register(ServiceItem)
class ServiceItemAdmin(EditorPermissions, admin.ModelAdmin):
    form = ServiceItemForm
    list_display = [
        "name",
        "impl_code",
        "version",
        "status",
        "agency",
        "item_type",
        "visits_required",
        "promised_days",
        "is_high_frequency",
    ]
    list_filter = ["status", "item_type", "case_kind", "level", "is_high_frequency", "reform_mode"]
    search_fields = ["name", "impl_code", "base_code"]
    list_select_related = ["agency", "item_type"]
    autocomplete_fields = ["hall", "window"]
    filter_horizontal = ["themes"]
    readonly_fields = ["impl_code", "version", "status", "published_at"]
    inlines = [MaterialSpecInline]
    actions = ["publish_drafts", "start_new_versions"]
    change_list_template = "admin/catalog/serviceitem/change_list.html"
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "name",
                    "base_code",
                    "impl_code",
                    "item_type",
                    "agency",
                    "transferred_from",
                    "level",
                    "version",
                    "status",
                    "published_at",
                ]
            },
        ),
        (
            _("Law and time limits"),
            {
                "fields": [
                    "legal_basis",
                    "legal_days",
                    "legal_days_note",
                    "promised_days",
                    "promised_days_note",
                    "case_kind",
                    "process_template",
                    "special_procedures",
                ]
            },
        ),
        (
            _("Channels"),
            {
                "fields": [
                    "handling_forms",
                    "visits_required",
                    "visits_reason",
                    "online_depth",
                    "online_level",
                    "assurance_level",
                    "online_available",
                    "mobile_available",
                    "mail_materials",
                    "mail_results",
                    "appointment",
                    "kiosk",
                ]
            },
        ),
        (
            _("Reform (证照分离)"),
            {
                "fields": ["reform_mode", "verification_method", "verification_days", "normal_promised_days"],
                "description": _(
                    "A 告知承诺 item says how and when the commitment is checked, and the promised limit of the normal "
                    "procedure for applicants who do not sign it."
                ),
            },
        ),
        (_("Fees"), {"fields": ["fee_required", "fee_items", "fee_standard", "fee_basis", "online_payment"]}),
        (_("Where"), {"fields": ["hall", "window", "address", "office_hours"]}),
        (
            _("Guide"),
            {
                "fields": [
                    "conditions",
                    "service_objects",
                    "themes",
                    "result_type",
                    "result_name",
                    "consult_phone",
                    "complaint_phone",
                    "remedy_review",
                    "remedy_litigation",
                    "faq",
                    "is_high_frequency",
                    "is_investment",
                    "is_convenience",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(agency__in=services.editable_agencies(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = services.editable_agencies(request.user).select_related("region")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.item_save_draft(actor=request.user, item=obj)

    def delete_model(self, request, obj):
        services.item_discard_draft(actor=request.user, item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset.select_related("agency__region"):
            services.item_discard_draft(actor=request.user, item=item)

    @admin.action(description=_("Publish the selected drafts"))
    def publish_drafts(self, request, queryset):
        self._each(request, queryset.filter(status=ItemStatus.DRAFT), services.item_publish, _("published"))

    @admin.action(description=_("Start a new version of the selected published items"))
    def start_new_versions(self, request, queryset):
        self._each(
            request, queryset.filter(status=ItemStatus.PUBLISHED), services.item_new_draft, _("new draft started")
        )

    def _each(self, request, queryset, service, done):
        count = 0
        for item in queryset.select_related("agency__region"):
            try:
                service(actor=request.user, item=item)
                count += 1
            except DomainError as exc:
                self.message_user(request, f"{item.name}: {exc.message}", messages.ERROR)
        if count:
            self.message_user(request, f"{count} × {done}", messages.SUCCESS)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="catalog_serviceitem_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload an implementation list; show the report of every bad row, or what was written."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = listfile.read_rows(upload.read(), upload.name)
            except listfile.FileFormatError as exc:
                form.add_error("file", str(exc))
            else:
                report = services.catalogue_import(
                    actor=request.user,
                    rows=rows,
                    publish=not form.cleaned_data["draft"],
                    dry_run=form.cleaned_data["dry_run"],
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "title": _("Import an implementation list"),
            "format_help": reverse("admin:catalog_serviceitem_changelist"),
        }
        return TemplateResponse(request, "admin/catalog/serviceitem/import.html", context)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX or CSV file"))
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)
    draft = forms.BooleanField(label=_("Keep changed items as drafts"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_IMPORT_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        return upload


class PowerTransferForm(forms.ModelForm):
    impl_codes = forms.CharField(label=_("Items (implementation codes, one a line)"), widget=forms.Textarea)

    class Meta:
        model = PowerTransfer
        fields = ["kind", "document", "document_number", "effective_on", "from_agency", "to_agency"]

    def clean(self):
        data = super().clean()
        data["codes"] = sorted({line.strip() for line in data.get("impl_codes", "").split() if line.strip()})
        if not self.errors:
            for error in transfers.plan_errors(data["kind"], data["document"], data["document_number"],
                                               data["from_agency"], data["to_agency"], data["codes"],
                                               data["effective_on"]):  # fmt: skip
                self.add_error("impl_codes" if error["field"] == "items" else error["field"], error["message"])
        return data


class TransferredItemInline(ReadOnly, admin.TabularInline):
    model = TransferredItem
    fields = readonly_fields = ["name", "from_code", "to_code"]
    extra = 0


@admin.register(PowerTransfer)
class PowerTransferAdmin(admin.ModelAdmin):
    """Power transfers (catalog.transfers): planned here by a regional catalogue administrator, carried out on
    their date by the scheduler's job, never changed afterwards; each batch exports as XLSX (audited)."""

    form = PowerTransferForm
    list_display = ["document_number", "kind", "from_agency", "to_agency", "effective_on", "item_count",
                    "carried_out_at"]  # fmt: skip
    list_filter = ["kind", "to_agency"]
    search_fields = ["document", "document_number"]
    autocomplete_fields = ["from_agency", "to_agency"]
    inlines = [TransferredItemInline]
    actions = ["export_xlsx"]

    def get_queryset(self, request):
        return transfers.transfers_with_counts()

    @admin.display(description=_("items"), ordering="item_count")
    def item_count(self, transfer):
        return transfer.item_count

    def get_readonly_fields(self, request, obj=None):
        return [*PowerTransferForm.Meta.fields, "carried_out_at"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or [*PowerTransferForm.Meta.fields, "impl_codes"]

    def has_module_permission(self, request):
        return transfers.may_plan(request.user)

    def has_view_permission(self, request, obj=None):
        return transfers.may_plan(request.user)

    def has_add_permission(self, request):
        return transfers.may_plan(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            planned = transfers.plan_transfer(
                actor=request.user, kind=data["kind"], document=data["document"],
                document_number=data["document_number"], effective_on=data["effective_on"],
                from_agency=data["from_agency"], to_agency=data["to_agency"], impl_codes=data["codes"],
            )  # fmt: skip
        except DomainError as error:  # what changed since the form was checked
            raise PermissionDenied(str(error.message)) from error
        obj.pk = planned.pk

    @admin.action(description=_("Export the batch as XLSX"))
    def export_xlsx(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one transfer to export."), messages.WARNING)
            return None
        transfer = queryset.select_related("from_agency", "to_agency").get()
        body = transfers.workbook(transfer)
        audit.record_export(actor=request.user, what="catalog.powertransfer", rows=transfer.items.count(),
                            transfer=transfer.pk)  # fmt: skip
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="transfer-{transfer.pk}.xlsx"'
        return response


class BundleMemberFormSet(forms.BaseInlineFormSet):
    """Checks the members together with the bundle's own fields (catalog.bundles.bundle_errors): every problem is
    shown before anything is saved."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        bundle = self.instance
        errors = bundles.bundle_errors(name=bundle.name, promised_days=bundle.promised_days,
                                       on_refusal=bundle.on_refusal, form_fields=bundle.form_fields,
                                       members=bundles.members_of(self.members()))  # fmt: skip
        if errors:
            raise forms.ValidationError([error["message"] for error in errors])

    def members(self) -> list[dict]:
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        return [{k: data.get(k) for k in ("position", "impl_code", "after", "field_map")} for data in kept]


class BundlePermissions:
    """Rights from catalog.bundles.may_edit rather than Django's model permissions, for the bundle and its members
    alike (`obj` is the bundle)."""

    def _may(self, request, obj=None) -> bool:
        user = request.user
        if obj is not None:
            return bundles.may_edit(user, obj.region)
        return user.is_active and (user.is_superuser or user.has_role(Role.REGION_CATALOGUE_ADMIN))

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)


class BundleMemberInline(BundlePermissions, admin.TabularInline):
    model = BundleMember
    formset = BundleMemberFormSet
    extra = 0
    fields = ["position", "impl_code", "name", "after", "field_map"]
    readonly_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)


@admin.register(Bundle)
class BundleAdmin(BundlePermissions, admin.ModelAdmin):
    """一件事 (catalog.bundles): authored by the system administrator or a regional catalogue administrator of its
    region, checked as a whole, and saved with its members through save_bundle (audited)."""

    list_display = ["name", "code", "region", "audience", "promised_days", "published"]
    list_filter = ["published", "audience"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "description", "region", "audience", "form_fields", "promised_days", "on_refusal",
              "published"]  # fmt: skip
    autocomplete_fields = ["region"]
    inlines = [BundleMemberInline]

    def has_module_permission(self, request):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return False  # applications refer to it: unpublish it instead

    def save_model(self, request, obj, form, change):
        pass  # saved with its members, by save_related

    def construct_change_message(self, request, form, formsets, add=False):
        # The members are written by save_bundle (and audited there), not by the inline's formset.
        return super().construct_change_message(request, form, None, add)

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        try:
            saved = bundles.save_bundle(
                actor=request.user, code=data["code"], name=data["name"], description=data["description"],
                region=data["region"], audience=data["audience"], form_fields=data["form_fields"],
                promised_days=data["promised_days"], on_refusal=data["on_refusal"], published=data["published"],
                members=formsets[0].members(),
            )  # fmt: skip
        except DomainError as error:  # what changed since the form was checked
            raise PermissionDenied(str(error.message)) from error
        form.instance.pk = saved.pk
