"""The case lifecycle, declared once.

MOVES says, for every step (CaseAction), from which status and at which kind of stage of the case's process (as
filed) it may be taken, the status it leads to, who may take it, what it does to the legal clocks and which
written notice it gives. It is the only place a move is allowed: the services take every step through
`cases.services.steps.Step`, which refuses with `InvalidTransition` whatever MOVES does not name; the workbench's
buttons, the steps a case's API detail offers, the notices and docs/lifecycle.md are derived from it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zerovisit.accounts.models import Role
from zerovisit.catalog.models import StageAction

from .models import OPEN_STATUSES, Case, CaseAction, CaseStatus, DeliveryMethod


class Actor(StrEnum):
    """Who may take a step, besides a fixed staff role (accounts.Role)."""

    STAGE = "stage"  # the role of the case's current stage, in the case's agency (a parallel review: its agencies)
    APPLICANT = "applicant"  # the applicant's own account, whoever submitted the case, or an authorised agent
    SYSTEM = "system"  # a periodic job of the platform
    COURIER = "courier"  # the carrier's report, through the delivery app


class Clock(StrEnum):
    """What a step does to the legal clocks (Administrative Licensing Law arts. 32, 42, 45)."""

    START = "start"  # into SUBMITTED: the 5 days of acceptance count from now; into ACCEPTED: the decision limit
    PAUSE = "pause"  # the acceptance clock stops for a correction; the decision clock for a special procedure
    RESUME = "resume"  # the special procedure is over: the days it took are added
    EXTEND = "extend"  # the decision limit is extended once (Art. 42)
    RECOUNT = "recount"  # the deadlines are counted again, with a year's official calendar
    STOP = "stop"  # the case is concluded


@dataclass(frozen=True)
class Guard:
    """A condition on the case besides its status and stage, with the code and message of its refusal."""

    holds: Callable[[Case], bool]
    code: str
    message: str


ANY_STAGE = None
ALL_STATUSES = tuple(CaseStatus)
STAFF_STAGES = (StageAction.ACCEPT, StageAction.ACCEPT_DECIDE, StageAction.REVIEW, StageAction.JOINT_REVIEW,
                StageAction.DECIDE, StageAction.FILE)  # fmt: skip
HANDLING = (StageAction.REVIEW, StageAction.JOINT_REVIEW, StageAction.DECIDE, StageAction.FILE)
PICKUP = (DeliveryMethod.HALL, DeliveryMethod.CABINET)


def _verification(case: Case):
    return getattr(case, "verification", None)


ORIGINALS_PENDING = Guard(lambda c: c.originals_pending, "no_originals_pending",
                          _("This case has no originals waiting to be checked."))  # fmt: skip
ORIGINALS_CHECKED = Guard(lambda c: not c.originals_pending, "originals_pending",
                          _("Check the originals first (先审后验)."))  # fmt: skip
RESULT_AT_HALL = Guard(lambda c: c.delivery_method in PICKUP and not c.delivered_at, "nothing_to_hand_over",
                       _("This case has no result waiting to be handed over."))  # fmt: skip
NOT_EXTENDED = Guard(lambda c: not c.extension_days, "already_extended",
                     _("The decision limit has been extended once already."))  # fmt: skip
HAS_COMMITMENT = Guard(lambda c: _verification(c) is not None, "no_verification",
                       _("This case has no commitment to verify."))  # fmt: skip
VERIFICATION_PENDING = Guard(lambda c: _verification(c).status == "pending", "already_verified",
                             _("This commitment has been verified already."))  # fmt: skip
CORRECTION_ORDERED = Guard(lambda c: _verification(c).status == "correction_ordered", "no_correction_ordered",
                           _("No correction was ordered for this commitment."))  # fmt: skip


def past_acceptance_due(case: Case) -> bool:
    """Art. 32's 5 working days are over. (For an instant item the acceptance due date is the promise of the same
    day, not Art. 32's limit; its acceptance and decision are one step.)"""
    stage = case.stage
    at_acceptance = stage is not None and stage.action == StageAction.ACCEPT
    return at_acceptance and case.acceptance_due is not None and case.acceptance_due < timezone.localdate()


IN_ACCEPTANCE_TIME = Guard(
    lambda c: not past_acceptance_due(c), "correction_too_late",
    _("The 5 working days to ask for corrections are over: accept the case or refuse it."),
)  # fmt: skip
ESTIMATED = Guard(lambda c: c.due_estimated, "not_estimated", _("The deadlines of this case are not estimated."))


@dataclass(frozen=True)
class Move:
    action: CaseAction
    source: tuple[CaseStatus, ...]
    stages: tuple[StageAction, ...] | None  # ANY_STAGE: wherever the case is in its process
    targets: tuple[CaseStatus, ...] = ()  # () leaves the status; several: the step's outcome chooses
    actor: Actor | Role = Actor.STAGE
    clock: Clock | None = None
    notice: str = ""  # the written notice (CaseNotice) the step gives, its title
    advances: bool = False  # on to the next stage of the process (a parallel review: after its last agency)
    not_after: tuple[CaseAction, ...] = ()  # 三分开: who took one of these steps on the case may not take this one
    guards: tuple[Guard, ...] = ()

    def allows(self, case: Case) -> bool:
        stage = case.stage
        at_stage = self.stages is ANY_STAGE or (stage is not None and stage.action in self.stages)
        return case.status in self.source and at_stage

    def refusal(self, case: Case) -> Guard | None:
        return next((guard for guard in self.guards if not guard.holds(case)), None)


A, S = CaseAction, CaseStatus
OPEN = tuple(OPEN_STATUSES)
IN_HANDLING = (S.SUBMITTED, S.ACCEPTED, S.SUSPENDED)
ACCEPTING = (StageAction.ACCEPT, StageAction.ACCEPT_DECIDE)
DECIDED = (S.APPROVED, S.DENIED)

MOVES = (
    # applying and acceptance (Art. 32)
    Move(A.SUBMIT, (), ANY_STAGE, (S.SUBMITTED, S.WAITING), Actor.APPLICANT, Clock.START),
    # a member of a bundle (一件事) that waits for the results of others, and one the bundle's refusal ends
    Move(A.START, (S.WAITING,), ANY_STAGE, (S.SUBMITTED,), Actor.SYSTEM, Clock.START),
    Move(A.BUNDLE_STOPPED, OPEN, ANY_STAGE, (S.WITHDRAWN,), Actor.SYSTEM, Clock.STOP),
    Move(A.REQUEST_CORRECTION, (S.SUBMITTED,), ACCEPTING, (S.CORRECTION,), clock=Clock.PAUSE,
         notice="补正材料告知书", guards=(IN_ACCEPTANCE_TIME,)),
    Move(A.RESUBMIT, (S.CORRECTION,), ACCEPTING, (S.SUBMITTED,), Actor.APPLICANT, Clock.START),
    Move(A.CORRECTION_LAPSED, (S.CORRECTION,), ACCEPTING, (S.WITHDRAWN,), Actor.SYSTEM, Clock.STOP),
    Move(A.REFUSE, (S.SUBMITTED,), ACCEPTING, (S.REFUSED,), clock=Clock.STOP, notice="不予受理通知书"),
    Move(A.ACCEPT, (S.SUBMITTED,), (StageAction.ACCEPT,), (S.ACCEPTED,), clock=Clock.START, notice="受理通知书",
         advances=True),
    Move(A.DEEMED_ACCEPTED, (S.SUBMITTED,), (StageAction.ACCEPT,), (S.ACCEPTED,), Actor.SYSTEM, Clock.START,
         notice="受理通知书", advances=True),
    # handling (Arts. 42, 45)
    Move(A.REVIEW, (S.ACCEPTED,), (StageAction.REVIEW, StageAction.JOINT_REVIEW), advances=True,
         not_after=(A.ACCEPT,)),
    Move(A.DECIDE, (S.SUBMITTED,), (StageAction.ACCEPT_DECIDE,), DECIDED, clock=Clock.STOP,
         notice="行政许可决定书", advances=True),
    Move(A.DECIDE, (S.ACCEPTED,), (StageAction.DECIDE,), DECIDED, clock=Clock.STOP, notice="行政许可决定书",
         advances=True, not_after=(A.ACCEPT, A.REVIEW)),
    Move(A.FILE, (S.ACCEPTED,), (StageAction.FILE,), (S.FILED,), clock=Clock.STOP, advances=True),
    Move(A.SUSPEND, (S.ACCEPTED,), HANDLING, (S.SUSPENDED,), clock=Clock.PAUSE, notice="特别程序告知书"),
    Move(A.RESUME, (S.SUSPENDED,), HANDLING, (S.ACCEPTED,), clock=Clock.RESUME),
    Move(A.EXTEND, (S.ACCEPTED, S.SUSPENDED), HANDLING, actor=Role.DECIDER, clock=Clock.EXTEND,
         notice="延长审查期限告知书", guards=(NOT_EXTENDED,)),
    Move(A.CLAIM, IN_HANDLING, STAFF_STAGES),
    Move(A.WITHDRAW, OPEN, ANY_STAGE, (S.WITHDRAWN,), Actor.APPLICANT, Clock.STOP),
    Move(A.DEADLINE_RECOUNTED, IN_HANDLING, ANY_STAGE, actor=Actor.SYSTEM, clock=Clock.RECOUNT,
         guards=(ESTIMATED,)),
    # the result
    Move(A.CHECK_ORIGINALS, (S.APPROVED,), ANY_STAGE, (S.APPROVED, S.REVOKED), Role.ACCEPTOR,
         guards=(ORIGINALS_PENDING,)),
    Move(A.HANDED_OVER, (S.APPROVED,), ANY_STAGE, actor=Role.ACCEPTOR, guards=(RESULT_AT_HALL, ORIGINALS_CHECKED)),
    # facts the carrier reports are recorded whatever the case's status meanwhile
    Move(A.DELIVERED, ALL_STATUSES, ANY_STAGE, actor=Actor.COURIER),
    Move(A.DELIVERY_FAILED, ALL_STATUSES, ANY_STAGE, actor=Actor.COURIER),
    Move(A.ORIGINALS_ARRIVED, ALL_STATUSES, ANY_STAGE, actor=Actor.COURIER),
    Move(A.MATERIALS_ARRIVED, ALL_STATUSES, ANY_STAGE, actor=Actor.COURIER),
    # after a commitment (告知承诺): post-verification
    Move(A.VERIFY, (S.APPROVED,), (StageAction.POST_VERIFY,), actor=Role.REVIEWER,
         guards=(HAS_COMMITMENT, VERIFICATION_PENDING)),
    Move(A.ORDER_CORRECTION, (S.APPROVED,), (StageAction.POST_VERIFY,), actor=Role.REVIEWER,
         guards=(HAS_COMMITMENT, VERIFICATION_PENDING)),
    Move(A.CORRECTION_VERIFIED, (S.APPROVED,), (StageAction.POST_VERIFY,), actor=Role.REVIEWER,
         guards=(HAS_COMMITMENT, CORRECTION_ORDERED)),
    Move(A.REVOKE, (S.APPROVED,), (StageAction.POST_VERIFY,), (S.REVOKED,), Role.DECIDER,
         guards=(HAS_COMMITMENT, CORRECTION_ORDERED)),  # concluded at its decision: revoking does not conclude again
)  # fmt: skip

# The steps people take on a case, by the name of the API's action (`POST /api/v1/cases/{number}/{step}/`) and of
# the workbench's forms, with the recorded actions each may lead to.
STEPS: dict[str, tuple[CaseAction, ...]] = {
    "claim": (A.CLAIM,),
    "accept": (A.ACCEPT,),
    "request-correction": (A.REQUEST_CORRECTION,),
    "refuse": (A.REFUSE,),
    "review": (A.REVIEW,),
    "decide": (A.DECIDE,),
    "file": (A.FILE,),
    "suspend": (A.SUSPEND,),
    "resume": (A.RESUME,),
    "extend": (A.EXTEND,),
    "check-originals": (A.CHECK_ORIGINALS,),
    "hand-over": (A.HANDED_OVER,),
    "verify": (A.VERIFY, A.ORDER_CORRECTION),
    "conclude-correction": (A.CORRECTION_VERIFIED, A.REVOKE),
    "resubmit": (A.RESUBMIT,),
    "withdraw": (A.WITHDRAW,),
}
NOTICES = {move.action: move.notice for move in MOVES if move.notice}


def move_for(case: Case, action: CaseAction) -> Move | None:
    """The move that allows `action` on the case as it is now (status and stage), or None."""
    return next((move for move in MOVES if move.action == action and move.allows(case)), None)


def actions_open(case: Case) -> list[Move]:
    """The moves the case's status and stage allow now and whose guards hold."""
    return [move for move in MOVES if move.allows(case) and move.refusal(case) is None]


def may_act(user, case: Case, move: Move) -> bool:
    """Whether the user may take the move: the applicant's side (who filed the case, or the applicant's own
    account) or a member of staff with the role it needs in an agency that may take it. The services check the
    same, and an agent's authorisation and the separation of duties besides."""
    stage = case.stage
    if move.actor == Actor.APPLICANT:
        return user.pk is not None and user.pk in (case.submitted_by_id, case.applicant.user_id)
    if move.actor == Actor.STAGE:
        if stage is None:
            return False
        role = stage.role
        agencies = stage.agencies if stage.action == StageAction.JOINT_REVIEW else (case.agency_id,)
    elif move.actor in Role.values:
        role, agencies = move.actor, (case.agency_id,)
    else:
        return False
    return bool(user.is_active and user.agency_id in agencies and user.has_role(role))


def steps_for(user, case: Case) -> list[str]:
    """The steps to offer this user on this case now: those of STEPS whose moves are open and that their role
    allows. The services still decide (the separation of duties, a parallel review's agencies that have signed
    off); this keeps impossible buttons off the page and tells API clients what they may do."""
    open_moves = [move for move in actions_open(case) if may_act(user, case, move)]
    steps = []
    for step, actions in STEPS.items():
        if any(move.action in actions for move in open_moves):
            steps.append(step)
    if "claim" in steps and case.claimed_by_id == user.pk:
        steps.remove("claim")
    return steps


def markdown() -> str:
    """docs/lifecycle.md: the table as people read it (a test keeps the file equal to this)."""
    lines = [
        "# The case lifecycle",
        "",
        "Generated from `src/zerovisit/cases/lifecycle.py` (`make docs`); a test fails when this file and the table",
        "differ. A step not listed here is refused with `409 invalid_transition`; one whose other condition",
        '("also needs") fails, with that code.',
        "",
        "*who*: `stage` is the role of the case's current stage, in the case's agency (at a parallel review, in one",
        "of its agencies); `applicant` the applicant's own account, whoever filed the case or an authorised agent;",
        "`system` a periodic job; `courier` the carrier's report. *clock*: `start` starts the 5 working days of",
        "acceptance (into `submitted`) or the decision limit (into `accepted`); `pause` stops the acceptance clock",
        "for a correction or the decision clock for a special procedure (Art. 45); `resume` adds the days it took;",
        "`extend` lengthens the limit once (Art. 42); `recount` counts again with a new official calendar; `stop`",
        "concludes the case. *moves on*: to the next stage of the process as filed (a parallel review after its",
        "last agency). *not by who did*: 三分开, the separation of duties.",
        "",
        "| step | from status | at stage | to status | who | clock | notice | moves on | not by who did | also needs |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for move in MOVES:
        cells = [
            f"`{move.action}`",
            "any" if move.source == ALL_STATUSES else ", ".join(f"`{s}`" for s in move.source) or "(new)",
            "any" if move.stages is ANY_STAGE else ", ".join(f"`{s}`" for s in move.stages),
            ", ".join(f"`{s}`" for s in move.targets) or "(same)",
            f"`{move.actor}`",
            move.clock or "",
            move.notice,
            "yes" if move.advances else "",
            ", ".join(f"`{a}`" for a in move.not_after),
            ", ".join(f"`{g.code}`" for g in move.guards),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Steps of the API and the workbench", "", "| step | records |", "|---|---|"]
    lines += [f"| `{step}` | {', '.join(f'`{a}`' for a in actions)} |" for step, actions in STEPS.items()]
    return "\n".join(lines) + "\n"
