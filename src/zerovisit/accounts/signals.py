"""Every sign-in and every failed one in the audit log (DESIGN.md §4, security baseline); agents' authorisations
follow a power transfer of their items."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from zerovisit.catalog.transfers import item_transferred
from zerovisit.core import audit
from zerovisit.core.clients import client_address
from zerovisit.core.logs import mask_personal_data

from .services.organisations import follow_transfer


@receiver(user_logged_in, dispatch_uid="audit-sign-in")
def audit_sign_in(sender, request, user, **kwargs):
    audit.record(actor=user, action="account.sign_in", obj=user, detail={
        "via": getattr(user, "signed_in_via", "password"), "address": client_address(request) if request else "",
    })  # fmt: skip


@receiver(user_login_failed, dispatch_uid="audit-failed-sign-in")
def audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    audit.record(actor=None, action="account.sign_in", object_type="accounts.user", result="failed", detail={
        "username": mask_personal_data(str(credentials.get("username", ""))[:150]),
        "address": client_address(request) if request else "",
    })  # fmt: skip


@receiver(item_transferred, dispatch_uid="agents-follow-transfers")
def agents_follow_transfer(sender, old, new, **kwargs):
    follow_transfer(old_code=old.impl_code, new_code=new.impl_code)
