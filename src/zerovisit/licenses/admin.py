"""The licence library in the admin: the catalogue of licence types is edited here; licences are read here and
revoked or cancelled through the services, with the reason verification will show."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from zerovisit.core.errors import DomainError

from . import services
from .models import License, LicenseEvent, LicenseType


@admin.register(LicenseType)
class LicenseTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "agency", "holder_kind", "validity_years"]
    list_filter = ["holder_kind"]
    search_fields = ["name", "code"]
    list_select_related = ["agency"]


class LicenseEventInline(admin.TabularInline):
    model = LicenseEvent
    fields = ["at", "action", "status_before", "status_after", "reason", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StatusForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown on verification)"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


def _change_status(modeladmin, request, queryset, service, title):
    """An action that asks for the reason first, then changes each licence through the service."""
    form = StatusForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        done = 0
        for license in queryset:
            try:
                service(license=license, reason=form.cleaned_data["reason"], actor=request.user)
                done += 1
            except DomainError as error:
                modeladmin.message_user(request, f"{license}: {error.message}", messages.ERROR)
        modeladmin.message_user(request, _("%(n)s licence(s) changed.") % {"n": done}, messages.SUCCESS)
        return None
    return TemplateResponse(request, "admin/licenses/license/change_status.html", {
        **modeladmin.admin_site.each_context(request), "title": title, "form": form, "licenses": queryset,
        "action": request.POST["action"], "opts": modeladmin.model._meta,
    })  # fmt: skip


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ["number", "license_type", "holder_name", "version", "status", "issue_date", "valid_until"]
    list_filter = ["status", "license_type"]
    search_fields = ["number", "identifier", "holder_name"]
    list_select_related = ["license_type"]
    inlines = [LicenseEventInline]
    actions = ["revoke", "cancel"]
    # Private files have no URL: the stored name is shown, the PDF is downloaded where the holder or case is checked.
    exclude = ["file"]
    readonly_fields = [f.name for f in License._meta.fields if f.name not in ("id", "file")] + ["stored_file"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("stored file"))
    def stored_file(self, license):
        return license.file.name

    @admin.action(description=_("Revoke (撤销)"))
    def revoke(self, request, queryset):
        return _change_status(self, request, queryset, services.revoke_license, _("Revoke licences"))

    @admin.action(description=_("Cancel (注销)"))
    def cancel(self, request, queryset):
        return _change_status(self, request, queryset, services.cancel_license, _("Cancel licences"))
