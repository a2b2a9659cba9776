from django.contrib import admin

from zerovisit.core.admin import ReadOnly

from .models import Agency, HallService, Region, Seal, ServiceHall, Window


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "is_functional_zone", "parent"]
    list_filter = ["level", "is_functional_zone"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "region", "kind"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region"]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 1
    autocomplete_fields = ["agency"]


class HallServiceInline(admin.TabularInline):
    model = HallService
    extra = 1


@admin.register(ServiceHall)
class ServiceHallAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "address", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region"]
    inlines = [WindowInline, HallServiceInline]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["name", "hall", "agency"]
    search_fields = ["name", "hall__name"]
    autocomplete_fields = ["hall", "agency"]


@admin.register(Seal)
class SealAdmin(ReadOnly, admin.ModelAdmin):
    """Seals are made and rotated with `zerovisit create_seals`; the admin shows them, never their keys."""

    list_display = ["agency", "kind", "purpose", "fingerprint", "valid_until", "active", "retired_at"]
    list_filter = ["kind", "active"]
    search_fields = ["agency__name", "fingerprint"]
    fields = ["kind", "agency", "purpose", "fingerprint", "valid_from", "valid_until", "active", "retired_at",
              "certificate_pem"]  # fmt: skip
    readonly_fields = fields
