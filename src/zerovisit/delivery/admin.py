"""Shipments in the admin, for looking: they change through the carrier's reports (services), never by hand."""

from django.contrib import admin

from .models import Shipment, ShipmentEvent


class ShipmentEventInline(admin.TabularInline):
    model = ShipmentEvent
    fields = ["at", "status", "location", "note", "carrier_event_id"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["waybill", "direction", "carrier", "case", "agency", "status", "cost", "payer", "created_at"]
    list_filter = ["status", "direction", "carrier", "payer"]
    search_fields = ["waybill", "case__number"]
    list_select_related = ["case", "agency"]
    inlines = [ShipmentEventInline]
    readonly_fields = [f.name for f in Shipment._meta.fields if f.name not in ("id",)]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
