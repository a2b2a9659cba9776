"""Deadlines counted again when the working-day calendar changes.

A deadline in a year without an official holiday schedule is computed Monday–Friday and marked estimated. When an
administrator imports or edits a year, every open case with estimated deadlines is counted again in one job; a
changed deadline is recorded in the case's history and told to the applicant.
"""

from django.db import transaction

from zerovisit.workcalendar.selectors import forget

from .. import events
from ..models import Case, CaseAction, CaseStatus
from .steps import InvalidTransition, Step, recount_clock

RUNNING = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.SUSPENDED)


def recount_estimated_deadlines() -> list[str]:
    """Count again the deadlines of every open case whose deadlines are estimated; returns the numbers of the
    cases whose deadline or estimate changed. A case whose deadlines come out the same, still estimated, is left
    alone (nothing to record)."""
    forget()  # this process may have read the calendar a moment before the change: read it again
    changed = []
    estimated = Case.objects.filter(status__in=RUNNING, due_estimated=True).order_by("pk")
    for number in estimated.values_list("number", flat=True).iterator():
        try:
            with transaction.atomic():
                step = Step.begin(number, CaseAction.DEADLINE_RECOUNTED)
                case = step.case
                before = (case.acceptance_due, case.decision_due)
                recount_clock(case)
                after = (case.acceptance_due, case.decision_due)
                if after == before and case.due_estimated:
                    continue  # nothing to record (the case is not saved)
                step.done(
                    was={"acceptance_due": before[0], "decision_due": before[1]},
                    now={"acceptance_due": after[0], "decision_due": after[1]},
                    changed=after != before,
                )
                changed.append(number)
        except (InvalidTransition, events.HistoryBroken):
            continue  # moved on meanwhile, or its history broken (verify_audit reports it)
    return changed
