"""What the audit log records about accounts and applicants (DESIGN.md §4, security baseline): an account created
or deleted; a change to what an account may do (active, staff, superuser, agency, groups, permissions, staff
roles) with its state before and after; an applicant linked to an account; an applicant's contact details changed;
a credit code accepted by staff although its check character fails.

Who acted and when is in every entry (core.audit.record). Personal data appears only masked: the helpers refuse a
value that looks like a clear mobile number or citizen ID number.
"""

from zerovisit.core import audit
from zerovisit.core.logs import has_personal_data


def account_state(user) -> dict:
    """The security-relevant fields of an account as the database holds them now (empty for an unsaved one)."""
    if not user.pk:
        return {}
    permissions = user.user_permissions.values_list("content_type__app_label", "codename")
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "agency": user.agency_id,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(f"{app}.{codename}" for app, codename in permissions),
        "roles": sorted(user.roles.values_list("role", flat=True)),
    }


def group_state(group) -> dict:
    if not group.pk:
        return {}
    permissions = group.permissions.values_list("content_type__app_label", "codename")
    return {"name": group.name, "permissions": sorted(f"{app}.{codename}" for app, codename in permissions)}


def _diff(before: dict, after: dict) -> dict | None:
    changed = sorted(name for name in {*before, *after} if before.get(name) != after.get(name))
    if not changed:
        return None
    return {"before": {n: before.get(n) for n in changed}, "after": {n: after.get(n) for n in changed}}


def record_account_created(*, actor, user, via: str):
    """A new account (`via`: admin, demo, a command's name …), with what it may do from the start."""
    state = account_state(user)
    return audit.record(actor=actor, action="account.create", obj=user,
                        detail={"via": via, "username": user.username, "before": {}, "after": state})  # fmt: skip


def record_account_changed(*, actor, user, before: dict, via: str):
    """What an account may do changed: the fields that differ from `before` (account_state() taken before the
    change), before and after. Nothing is recorded when nothing differs."""
    diff = _diff(before, account_state(user))
    if diff is None:
        return None
    return audit.record(actor=actor, action="account.change", obj=user,
                        detail={"via": via, "username": user.username, **diff})  # fmt: skip


def record_account_deleted(*, actor, user, via: str):
    detail = {"via": via, "username": user.username, "before": account_state(user), "after": {}}
    return audit.record(actor=actor, action="account.delete", obj=user, detail=detail)


def record_group_changed(*, actor, group, before: dict, via: str):
    """A group's name or permissions changed (or it was created: `before` empty); its members' rights with it."""
    diff = _diff(before, group_state(group))
    if diff is None:
        return None
    action = "group.change" if before else "group.create"
    return audit.record(actor=actor, action=action, obj=group, detail={"via": via, **diff})


def _checked_masked(values: dict) -> dict:
    for name, value in values.items():
        if isinstance(value, str) and has_personal_data(value):
            raise ValueError(f"{name}: the audit log takes masked personal data only")
    return values


def _identity(applicant) -> str:
    return applicant.id_number_masked or applicant.credit_code


def record_applicant_linked(*, actor, applicant, before_account: str = ""):
    """`applicant` is now the own applicant of its account (applicant.user), in place of `before_account` (a
    username, empty when it had none)."""
    after = applicant.user.username if applicant.user_id else ""
    return audit.record(actor=actor, action="applicant.link", obj=applicant, detail={
        "applicant": _identity(applicant), "before": {"account": before_account}, "after": {"account": after},
    })  # fmt: skip


def record_contact_changed(*, actor, applicant, changed_fields, before_masked: dict, after_masked: dict):
    """The applicant's contact details (where messages about their cases go) changed: which fields, and their
    masked values before and after (Applicant.phone_masked, email_masked; never the clear values)."""
    return audit.record(actor=actor, action="applicant.contact_change", obj=applicant, detail={
        "applicant": _identity(applicant), "fields": sorted(changed_fields),
        "before": _checked_masked(dict(before_masked)), "after": _checked_masked(dict(after_masked)),
    })  # fmt: skip


def record_credit_code_override(*, actor, applicant, reason: str, via: str):
    """Staff accepted the applicant's credit code although its check character fails (`via`: window, admin), and
    why; the same is kept on the applicant (Applicant.credit_code_override_reason)."""
    return audit.record(actor=actor, action="applicant.credit_code_override", obj=applicant, detail={
        "applicant": _identity(applicant), "via": via, "reason": _checked_masked({"reason": reason})["reason"],
    })  # fmt: skip
