"""三员分立 (等保 level 3): three administrators, each with one part of the power over the platform.

- The system administrator (系统管理员, a superuser) configures the platform and keeps its accounts: makes and
  closes them, sets passwords. They do not decide what an account may do.
- The security administrator (安全管理员, Role.SECURITY_ADMIN) decides what accounts may do: staff roles, agency,
  groups, permissions, the staff and superuser flags; and resets a lost second factor. Never on their own account.
- The audit administrator (审计管理员, Role.AUDITOR) reads and checks the audit log, which nobody can change.

No account holds two of the three. So no one alone can both change what an account may do and read the record of
that change; nobody can erase it (core.audit). Taking over another account needs its password, which only the
system administrator can set, and its second factor, which only the security administrator can reset.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zerovisit.core.errors import DomainError, PermissionDenied

from .. import audit
from ..models import Role, StaffRole, User

SYSTEM_ADMIN = "system_admin"  # not a staff role: the superuser flag
ADMINISTRATORS = {SYSTEM_ADMIN: gettext_lazy("system administrator"),
                  Role.SECURITY_ADMIN: gettext_lazy("security administrator"),
                  Role.AUDITOR: gettext_lazy("audit administrator")}  # fmt: skip
# What the security administrator alone changes on an account (accounts.audit.account_state records them all).
RIGHTS_FIELDS = ("is_staff", "is_superuser", "agency", "groups", "user_permissions")


class RolesNotSeparate(DomainError):
    code = "roles_not_separate"


def administrator_roles(*, is_superuser: bool, roles) -> set[str]:
    """Which of the three an account with these rights would be."""
    held = {role for role in roles if role in (Role.SECURITY_ADMIN, Role.AUDITOR)}
    return held | ({SYSTEM_ADMIN} if is_superuser else set())


def check_separation(*, is_superuser: bool, roles) -> None:
    """Refuses rights that make one account two of the three administrators."""
    held = administrator_roles(is_superuser=is_superuser, roles=roles)
    if len(held) > 1:
        names = "、".join(str(ADMINISTRATORS[role]) for role in sorted(held))
        raise RolesNotSeparate(
            _("One account cannot be %(roles)s at once (三员分立): give each role to a different person.")
            % {"roles": names}
        )


def may_change_rights(actor, user=None) -> bool:
    """Whether `actor` may change what `user` may do (any account when `user` is None): a security administrator,
    on somebody else's account."""
    is_own = user is not None and user.pk is not None and user.pk == actor.pk
    return bool(getattr(actor, "is_authenticated", False) and actor.has_role(Role.SECURITY_ADMIN) and not is_own)


def may_keep_accounts(actor) -> bool:
    """Whether `actor` makes, closes and sets the passwords of accounts: the system administrator."""
    return bool(getattr(actor, "is_authenticated", False) and actor.is_superuser)


def may_read_audit(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.AUDITOR))


def set_role(*, actor: User | None, user: User, role: str, held: bool, via: str) -> bool:
    """Gives `user` the staff role (`held`) or takes it away; False when nothing changes. `actor` None: the
    server's command line, whose user holds the machine anyway (the first security administrator is made so)."""
    if actor is not None and not may_change_rights(actor, user):
        raise PermissionDenied(_("Only a security administrator changes what an account may do, and never on "
                                 "their own account."), code="not_security_administrator")  # fmt: skip
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        roles = set(user.roles.values_list("role", flat=True))
        if (role in roles) == held:
            return False
        before = audit.account_state(user)
        if held:
            check_separation(is_superuser=user.is_superuser, roles=roles | {role})
            StaffRole.objects.create(user=user, role=role)
        else:
            user.roles.filter(role=role).delete()
        audit.record_account_changed(actor=actor, user=user, before=before, via=via)
    return True
