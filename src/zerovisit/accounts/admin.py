from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zerovisit.core import crypto, identity

from . import audit
from .models import Applicant, StaffRole, User
from .services import link_applicant


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


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    """Applicants come from applications; here an administrator who has checked who an account belongs to links
    the applicant to it, or unlinks an account that should not act for them (accounts.services.link_applicant,
    audited). Search by name, credit code, account, or a whole ID number (looked up by its keyed hash)."""

    list_display = ["name", "kind", "id_number_masked", "credit_code", "user", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code", "user__username"]
    fields = ["kind", "name", "id_number_masked", "credit_code", "phone_masked", "email_masked", "user"]
    readonly_fields = ["kind", "name", "id_number_masked", "credit_code", "phone_masked", "email_masked"]
    autocomplete_fields = ["user"]
    actions = ["unlink"]

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().upper()
        if identity.id_number_is_valid(term):
            found |= queryset.filter(id_number_hash=crypto.lookup_hash(term))
        return found, may_have_duplicates

    def save_model(self, request, obj, form, change):
        if "user" in form.changed_data:
            link_applicant(actor=request.user, applicant=obj, account=form.cleaned_data["user"])

    @admin.action(description=_("Unlink from their account"))
    def unlink(self, request, queryset):
        for applicant in queryset.exclude(user=None):
            link_applicant(actor=request.user, applicant=applicant, account=None)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
