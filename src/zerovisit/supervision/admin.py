"""Alerts in the admin are for looking only: the `raise-alerts` job raises and ends them, a supervisor acknowledges
them in the alert inbox."""

from django.contrib import admin

from zerovisit.core.admin import ReadOnly

from .models import Alert


@admin.register(Alert)
class AlertAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["kind", "case", "question", "agency", "raised_at", "ended_at", "escalated_at", "acknowledged_at"]
    list_filter = ["kind", "agency"]
    search_fields = ["case__number"]
    list_select_related = ["case", "question", "agency"]
    date_hierarchy = "raised_at"
