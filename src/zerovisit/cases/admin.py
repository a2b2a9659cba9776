"""Cases in the admin are for looking only: every change goes through the workbench and the API (services)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zerovisit.core.admin import ReadOnly

from .models import Case, CaseEvent, CaseMaterial


class CaseMaterialInline(ReadOnly, admin.TabularInline):
    model = CaseMaterial
    fields = ["spec", "source", "stored_file", "sha256", "reference"]
    readonly_fields = ["stored_file"]
    extra = 0

    @admin.display(description=_("stored file"))
    def stored_file(self, material):
        # Private files have no URL: they are downloaded from the workbench, which checks who asks.
        return material.file.name


class CaseEventInline(ReadOnly, admin.TabularInline):
    model = CaseEvent
    fields = ["seq", "at", "actor", "actor_role", "action", "status_before", "status_after", "opinion"]
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "item", "applicant", "status", "acceptance_due", "decision_due", "channel"]
    list_filter = ["status", "channel", "agency"]
    search_fields = ["number"]
    list_select_related = ["item", "applicant"]
    inlines = [CaseMaterialInline, CaseEventInline]
