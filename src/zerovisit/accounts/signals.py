"""Every sign-in and every failed one in the audit log (DESIGN.md §4, security baseline)."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from zerovisit.core import audit
from zerovisit.core.clients import client_address
from zerovisit.core.logs import mask_personal_data


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
