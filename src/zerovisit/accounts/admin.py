from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken
from rest_framework.authtoken.models import TokenProxy

from zerovisit.core import crypto, identity
from zerovisit.core.admin import ReadOnly
from zerovisit.core.errors import DomainError

from . import audit
from .models import ApiClient, Applicant, ApplicantKind, OrganisationAgent, StaffRole, User
from .services import check_organisation, link_applicant, register_organisation
from .services.api_clients import switch_api_client
from .services.second_factor import reset_second_factor
from .services.separation import RIGHTS_FIELDS, check_separation, may_change_rights, may_keep_accounts

# django-otp's own admin shows every staff member's TOTP key and backup codes: its devices are reached only through
# accounts.services.second_factor (enrolling, resetting), never read or edited here.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
# DRF's token admin would let an administrator make a token for anyone, and sign in as them past their second
# factor: tokens come only from signing in (/api/v1/auth/token/).
admin.site.unregister(TokenProxy)
# Likewise django-oauth-toolkit's tokens and grants; its applications (the apps people may authorise) stay.
for model in (AccessToken, RefreshToken, Grant, IDToken):
    admin.site.unregister(model)


class StaffRoleFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        roles = [form.cleaned_data["role"] for form in self.forms
                 if form.cleaned_data.get("role") and not form.cleaned_data.get("DELETE")]  # fmt: skip
        try:
            # The account as its form left it: the superuser flag may change in the same request.
            check_separation(is_superuser=self.instance.is_superuser, roles=roles)
        except DomainError as error:
            raise ValidationError(str(error.message), code=error.code) from None


class StaffRoleInline(admin.TabularInline):
    """Staff roles: given and taken by the security administrator, on others' accounts only (三员分立)."""

    model = StaffRole
    formset = StaffRoleFormSet
    extra = 1

    def has_add_permission(self, request, obj=None):
        return may_change_rights(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return may_change_rights(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return may_change_rights(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return may_keep_accounts(request.user) or may_change_rights(request.user)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts, under 三员分立 (accounts.services.separation): the system administrator makes and closes accounts
    and sets passwords; the security administrator changes what they may do (the rights fields, staff roles) and
    resets a lost second factor, never on their own account. Both see the list."""

    list_display = ["username", "display_name", "agency", "is_staff", "is_active", "two_factor", "last_login"]
    list_filter = ["is_staff", "is_active", "roles__role", "agency__region"]
    search_fields = ["username", "display_name"]
    autocomplete_fields = ["agency"]
    inlines = [StaffRoleInline]
    actions = ["reset_two_factor"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Agency"), {"fields": ["display_name", "agency"]}),
        (_("Identity providers"), {"fields": ["signs_in_through"]}),
    ]

    def has_module_permission(self, request):
        return may_keep_accounts(request.user) or may_change_rights(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return may_keep_accounts(request.user) or may_change_rights(request.user, obj)

    def has_add_permission(self, request):
        return may_keep_accounts(request.user)

    def has_delete_permission(self, request, obj=None):
        return may_keep_accounts(request.user) and (obj is None or obj.pk != request.user.pk)

    @admin.display(description=_("signs in through"))
    def signs_in_through(self, user):
        """The identity providers' accounts that sign this one in (accounts.identity_providers)."""
        return ", ".join(f"{e.provider} ({e.subject})" for e in user.external_identities.all()) or "—"

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "last_login", "date_joined", "signs_in_through"]
        if not may_change_rights(request.user, obj):
            readonly += RIGHTS_FIELDS
        if not may_keep_accounts(request.user):
            readonly += ["username", "first_name", "last_name", "email", "display_name", "is_active"]
        return readonly

    def user_change_password(self, request, id, form_url=""):
        if not may_keep_accounts(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_queryset(self, request):
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(enrolled))

    @admin.display(boolean=True, description=_("two-factor sign-in"), ordering="has_two_factor")
    def two_factor(self, user):
        return user.has_two_factor

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not may_change_rights(request.user):
            actions.pop("reset_two_factor", None)
        return actions

    @admin.action(description=_("Reset two-factor sign-in (lost phone): they enrol again at the next sign-in"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            try:
                reset_second_factor(actor=request.user, user=user, via="admin")
            except DomainError as error:
                self.message_user(request, f"{user}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(user)s enrols again at the next sign-in.") % {"user": user})

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
    """Django's, with every change of a group's permissions (its members' rights) audited; changed by the security
    administrator only (三员分立)."""

    def has_module_permission(self, request):
        return may_keep_accounts(request.user) or may_change_rights(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return may_change_rights(request.user)

    def has_change_permission(self, request, obj=None):
        return may_change_rights(request.user)

    def has_delete_permission(self, request, obj=None):
        return may_change_rights(request.user)

    def save_model(self, request, obj, form, change):
        obj._audit_before = audit.group_state(Group.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        audit.record_group_changed(actor=request.user, group=form.instance, before=form.instance._audit_before,
                                   via="admin")  # fmt: skip


class OrganisationRegistrationForm(forms.ModelForm):
    """An organisation registered by an administrator: a credit code whose check character fails (some early codes
    are legal yet fail it) is accepted with the reason (accounts.services.register_organisation, audited)."""

    check_override_reason = forms.CharField(
        label=_("Why the credit code is accepted"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when its check character does not match: e.g. the certificate that shows the code."),
    )  # fmt: skip

    class Meta:
        model = Applicant
        fields = ["name", "credit_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = ApplicantKind.ORGANISATION
        self.fields["credit_code"].required = True

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["name"], data["credit_code"] = check_organisation(
                name=data.get("name", ""), credit_code=data.get("credit_code", ""),
                check_override_reason=data.get("check_override_reason", ""),
            )  # fmt: skip
        except DomainError as error:
            field = "check_override_reason" if error.code == "credit_code_check_failed" else "credit_code"
            raise forms.ValidationError({field: str(error.message)}, code=error.code) from None
        if Applicant.objects.filter(kind=ApplicantKind.ORGANISATION, credit_code=data["credit_code"]).exists():
            raise forms.ValidationError({"credit_code": _("This organisation is registered already.")})
        return data


class OrganisationAgentInline(ReadOnly, admin.TabularInline):
    """An organisation's agents (经办人), as its legal representative authorised them online: shown, never edited
    here (accounts.services.organisations)."""

    model = OrganisationAgent
    fk_name = "organisation"
    fields = readonly_fields = ["agent", "item_codes", "valid_until", "granted_at", "revoked_at"]
    extra = 0


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    """Applicants come from applications; here an administrator who has checked who an account belongs to links
    the applicant to it, or unlinks an account that should not act for them (accounts.services.link_applicant,
    audited). An administrator may also register an organisation, confirming with a reason a credit code whose
    check character fails, so that it can then apply online (accounts.services.register_organisation, audited).
    Search by name, credit code, account, or a whole ID number (looked up by its keyed hash)."""

    list_display = ["name", "kind", "id_number_masked", "credit_code", "user", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code", "user__username"]
    fields = ["kind", "name", "id_number_masked", "credit_code", "credit_code_override", "phone_masked",
              "email_masked", "user", "representative_confirmed_at"]  # fmt: skip
    readonly_fields = ["kind", "name", "id_number_masked", "credit_code", "credit_code_override", "phone_masked",
                       "email_masked", "representative_confirmed_at"]  # fmt: skip
    inlines = [OrganisationAgentInline]
    autocomplete_fields = ["user"]
    actions = ["unlink"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OrganisationRegistrationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "credit_code", "check_override_reason"] if obj is None else self.fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.kind == ApplicantKind.ORGANISATION else []

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description=_("Credit code confirmed by staff"))
    def credit_code_override(self, obj):
        if obj.credit_code_overridden_at is None:
            return "—"
        return _("%(when)s by %(who)s: %(reason)s") % {
            "when": date_format(timezone.localtime(obj.credit_code_overridden_at), "Y-m-d H:i"),
            "who": obj.credit_code_overridden_by or "—", "reason": obj.credit_code_override_reason,
        }  # fmt: skip

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().upper()
        if identity.id_number_is_valid(term):
            found |= queryset.filter(id_number_hash=crypto.lookup_hash(term))
        return found, may_have_duplicates

    def save_model(self, request, obj, form, change):
        if not change:
            data = form.cleaned_data
            registered = register_organisation(actor=request.user, name=data["name"], credit_code=data["credit_code"],
                                               check_override_reason=data["check_override_reason"])  # fmt: skip
            for model_field in Applicant._meta.concrete_fields:  # the admin goes on with `obj` (log, redirect)
                setattr(obj, model_field.attname, getattr(registered, model_field.attname))
            obj._state.adding, obj._state.db = False, registered._state.db
        elif "user" in form.changed_data:
            link_applicant(actor=request.user, applicant=obj, account=form.cleaned_data["user"])

    @admin.action(description=_("Unlink from their account"))
    def unlink(self, request, queryset):
        for applicant in queryset.exclude(user=None):
            link_applicant(actor=request.user, applicant=applicant, account=None)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnly, admin.ModelAdmin):
    """Departments' systems. They are made, and given new secrets, with `zerovisit create_api_client` (the secret
    is shown once, there); here the system administrator sees them and switches them off or on (audited)."""

    list_display = ["name", "agency", "scopes", "client_id", "active", "last_used_at"]
    list_filter = ["active", "agency"]
    search_fields = ["name"]
    fields = readonly_fields = ["name", "agency", "scopes", "client_id", "active", "created_at", "last_used_at"]
    actions = ["switch_off", "switch_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "application")

    @admin.display(description=_("client id"))
    def client_id(self, client):
        return client.application.client_id if client.application else _("(a zv_ token from before OAuth)")

    def has_module_permission(self, request):
        return may_keep_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return may_keep_accounts(request.user)

    def get_actions(self, request):
        return super().get_actions(request) if may_keep_accounts(request.user) else {}

    @admin.action(description=_("Switch off: its credentials and tokens are refused from now"))
    def switch_off(self, request, queryset):
        for client in queryset:
            switch_api_client(client=client, active=False, actor=request.user)

    @admin.action(description=_("Switch on again"))
    def switch_on(self, request, queryset):
        for client in queryset:
            switch_api_client(client=client, active=True, actor=request.user)
