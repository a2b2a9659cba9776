"""What staff are told: the periodic digest of new work, and the acceptors' messages about what the courier
brings and takes."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from zerovisit.accounts.models import Role
from zerovisit.notify.services import mark_told_of_work, notify
from zerovisit.notify.services import preference as notify_preference

from .. import selectors
from ..models import Case


def tell_acceptors(case: Case, event: str, **values) -> None:
    """An in-app message to the acceptors of the case's agency, who handle what comes and goes at the window."""
    staff = get_user_model().objects.filter(is_active=True, agency_id=case.agency_id, roles__role=Role.ACCEPTOR)
    for user_id in staff.values_list("pk", flat=True):
        notify(user_id=user_id, event=event, case_number=case.number, agency_id=case.agency_id,
               values={"n": case.number, "item": case.item.name, **values})  # fmt: skip


def tell_staff_of_new_work(now: datetime.datetime | None = None) -> int:
    """The periodic digest: each member of staff whose unclaimed queue received cases since they were last told
    gets one in-app message with the count (not one per case). Returns how many were told."""
    now = now or timezone.now()
    told = 0
    staff = get_user_model().objects.filter(is_active=True, agency__isnull=False, roles__role__in=selectors.STAFF_ROLES)
    for user in staff.distinct().select_related("agency"):
        wants = notify_preference(user.pk)
        since = wants.work_notified_at or now - datetime.timedelta(minutes=10)
        count = selectors.inbox(user, "unclaimed").filter(updated_at__gt=since, updated_at__lte=now).count()
        with transaction.atomic():
            if count:
                notify(user_id=user.pk, event="staff.new_work", agency_id=user.agency_id, values={
                    "count": count, "agency": user.agency.name, "since": timezone.localtime(since).strftime("%H:%M"),
                })  # fmt: skip
                told += 1
            mark_told_of_work(user.pk, now)
    return told
