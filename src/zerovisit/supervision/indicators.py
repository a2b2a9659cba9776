"""The indicators of supervision, each defined once: its name, unit and which way is better here, its formula in
code and, in its docstring, what it means. Every one is computed from `Totals` (summed roll-ups, the catalogue
and the questions), so the same function serves the dashboard, the drill-down, the report and the public page."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .models import MEASURES


class Unit(models.TextChoices):
    PERCENT = "percent", "%"
    COUNT = "count", _("cases")
    MATERIALS = "materials", _("materials")
    DAYS = "days", _("working days")
    YUAN = "yuan", _("yuan")


class Better(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


@dataclass
class Totals:
    """Summed measures (supervision.models.Measures) of a scope and period, and the catalogue of the scope."""

    measures: dict[str, int] = field(default_factory=dict)
    items: int = 0
    zero_visit_items: int = 0
    promised_days: int = 0  # Σ over items with a legal limit
    legal_days: int = 0
    questions: int = 0  # asked in the period and answered, or past their service level
    questions_answered_in_time: int = 0

    def __getattr__(self, name):
        if name not in MEASURES:  # a formula's typo fails instead of reading 0
            raise AttributeError(name)
        return self.measures.get(name, 0)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    better: str
    formula: Callable[[Totals], float | None]

    @property
    def unit_label(self) -> str:
        return Unit(self.unit).label

    @property
    def description(self) -> str:
        return gettext(self.formula.__doc__)

    def of(self, totals: Totals) -> float | None:
        """The value, or None where it is undefined (a share of nothing)."""
        return self.formula(totals)


INDICATORS: dict[str, Indicator] = {}


def indicator(name, unit: Unit, better: Better, means: str):
    """Register a formula under its function's name. `means` (marked for translation, shown to supervisors
    beside the figure) becomes the formula's docstring, so what it says is written once."""

    def register(formula):
        formula.__doc__ = means
        INDICATORS[formula.__name__] = Indicator(formula.__name__, name, unit, better, formula)
        return formula

    return register


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@indicator(
    _("Zero-visit coverage of the catalogue"),
    Unit.PERCENT,
    Better.HIGHER,
    gettext_noop(
        "Published items that need no visit to an office (到办事现场次数 0), as a share of all published items."
    ),
)
def zero_visit_coverage(t: Totals) -> float | None:
    return share(t.zero_visit_items, t.items)


@indicator(
    _("Concluded fully online (网上全流程办结率)"),
    Unit.PERCENT,
    Better.HIGHER,
    gettext_noop(
        "Cases concluded in the period that were applied for on the web or by mobile, for an item that needs no "
        "visit, and whose result went out as an electronic licence or by courier, as a share of all cases "
        "concluded."
    ),
)
def online_full_process_rate(t: Totals) -> float | None:
    return share(t.decided_online, t.decided)


@indicator(
    _("Done on the spot (即到即办率)"),
    Unit.PERCENT,
    Better.HIGHER,
    gettext_noop("Cases concluded on the day they were accepted, as a share of all cases concluded in the period."),
)
def instant_rate(t: Totals) -> float | None:
    return share(t.decided_instant, t.decided)


@indicator(
    _("Time limits cut (时限压减率)"),
    Unit.PERCENT,
    Better.HIGHER,
    gettext_noop("1 − Σ promised limits / Σ legal limits, over the published items that have a legal limit."),
)
def time_cut_rate(t: Totals) -> float | None:
    return round(100 * (1 - t.promised_days / t.legal_days), 1) if t.legal_days else None


@indicator(
    _("Concluded on time"),
    Unit.PERCENT,
    Better.HIGHER,
    gettext_noop(
        "Cases decided by their deadline (the promised limit, with any extension and pause), as a share of all "
        "cases decided in the period."
    ),
)
def on_time_rate(t: Totals) -> float | None:
    return share(t.decided_on_time, t.decided)


@indicator(
    _("Concluded late"), Unit.COUNT, Better.LOWER, gettext_noop("Cases decided in the period after their deadline.")
)
def overdue_count(t: Totals) -> float | None:
    return t.decided - t.decided_on_time


@indicator(
    _("Average handling time"),
    Unit.DAYS,
    Better.LOWER,
    gettext_noop(
        "Working days from acceptance to decision, less the days a special procedure paused the clock, averaged "
        "over the cases decided in the period."
    ),
)
def average_handling_days(t: Totals) -> float | None:
    return round(t.handling_days / t.decided, 1) if t.decided else None


@indicator(
    _("Asked to correct"),
    Unit.PERCENT,
    Better.LOWER,
    gettext_noop("Cases submitted in the period that were asked for a correction (补正), as a share of all submitted."),
)
def correction_rate(t: Totals) -> float | None:
    return share(t.corrected, t.submitted)


@indicator(
    _("Deemed accepted"),
    Unit.COUNT,
    Better.LOWER,
    gettext_noop(
        "Cases the law deemed accepted because the office let the 5 working days for acceptance pass: each one is "
        "a failure of the office."
    ),
)
def deemed_acceptance_count(t: Totals) -> float | None:
    return t.deemed_accepted


@indicator(
    _("Results by courier"),
    Unit.PERCENT,
    Better.HIGHER,
    gettext_noop(
        "Cases concluded in the period whose paper result went by government-paid courier, as a share of all."
    ),
)
def courier_share(t: Totals) -> float | None:
    return share(t.by_courier, t.decided)


@indicator(
    _("Postage saved for applicants"),
    Unit.YUAN,
    Better.HIGHER,
    gettext_noop("The postage the government paid in the applicants' place, for the cases concluded in the period."),
)
def courier_savings(t: Totals) -> float | None:
    return round(t.postage_fen / 100, 2)


@indicator(
    _("Materials not asked for (licence reuse)"),
    Unit.MATERIALS,
    Better.HIGHER,
    gettext_noop(
        "Materials of the cases submitted in the period taken from the licence library or the platform's own data "
        "instead of being asked of the applicant."
    ),
)
def licence_reuse_count(t: Totals) -> float | None:
    return t.reused_materials


@indicator(
    _("Satisfaction (好评率)"),
    Unit.PERCENT,
    Better.HIGHER,
    gettext_noop(
        "Cases rated in the period 基本满意, 满意 or 非常满意, as a share of all rated (first ratings; a rating set "
        "aside on appeal does not count)."
    ),
)
def satisfaction_rate(t: Totals) -> float | None:
    return share(t.satisfied, t.evaluated)


@indicator(
    _("Bad ratings rectified (差评整改率)"),
    Unit.PERCENT,
    Better.HIGHER,
    gettext_noop(
        "Real-name bad ratings (不满意, 非常不满意) given in the period whose rectification a supervisor has closed, "
        "as a share of all of them."
    ),
)
def rectification_rate(t: Totals) -> float | None:
    return share(t.rectified, t.bad_rated)


@indicator(
    _("Questions answered in time (咨询按时答复率)"),
    Unit.PERCENT,
    Better.HIGHER,
    gettext_noop(
        "Questions asked on the guides in the period and answered within the service level (ZV_CONSULTATION_ANSWER_"
        "HOURS office hours), as a share of those answered or past it."
    ),
)
def consultation_answer_rate(t: Totals) -> float | None:
    return share(t.questions_answered_in_time, t.questions)


@indicator(
    _("Applications"), Unit.COUNT, Better.HIGHER, gettext_noop("Cases submitted in the period, on every channel.")
)
def submitted_count(t: Totals) -> float | None:
    return t.submitted


@indicator(
    _("Concluded"), Unit.COUNT, Better.HIGHER, gettext_noop("Cases decided (approved, denied or filed) in the period.")
)
def decided_count(t: Totals) -> float | None:
    return t.decided


# What a row of a table (an agency, an item) shows; the dashboard shows them all.
TABLE = ("submitted_count", "decided_count", "online_full_process_rate", "instant_rate", "on_time_rate",
         "average_handling_days", "correction_rate", "deemed_acceptance_count", "satisfaction_rate")  # fmt: skip
# The key indicators of Xuzhou's "1235" standard, drawn as trends.
TRENDS = ("online_full_process_rate", "instant_rate", "on_time_rate", "submitted_count")
