from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import audit
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

    # Account changes are audited with the state before and after. The groups, permissions and staff roles are
    # saved after the account itself (save_related), so the entry is written there, once all of it is saved.
    def save_model(self, request, obj, form, change):
        obj._audit_before = audit.account_state(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if change:
            audit.record_account_changed(actor=request.user, user=user, before=user._audit_before, via="admin")
        else:
            audit.record_account_created(actor=request.user, user=user, via="admin")

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record_account_deleted(actor=request.user, user=obj, via="admin")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for user in queryset:
                audit.record_account_deleted(actor=request.user, user=user, via="admin")
            super().delete_queryset(request, queryset)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Django's, with every change of a group's permissions (its members' rights) audited."""

    def save_model(self, request, obj, form, change):
        obj._audit_before = audit.group_state(Group.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        audit.record_group_changed(actor=request.user, group=form.instance, before=form.instance._audit_before,
                                   via="admin")  # fmt: skip
