from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import StaffRole, User


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "agency", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "roles__role", "agency__region"]
    search_fields = ["username", "display_name"]
    autocomplete_fields = ["agency"]
    inlines = [StaffRoleInline]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Agency"), {"fields": ["display_name", "agency"]}),
    ]
