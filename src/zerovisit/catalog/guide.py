"""What the item guide shows beyond the stored fields: the process flow and the FAQ as question/answer pairs."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import ServiceItem, StageAction

_QUESTION = re.compile(r"^\s*(问|Q)\s*[:：]\s*", re.IGNORECASE)
_ANSWER = re.compile(r"^\s*(答|A)\s*[:：]\s*", re.IGNORECASE)


@dataclass
class Step:
    name: str
    note: str = ""


def flow_steps(item: ServiceItem) -> list[Step]:
    """The flow chart of the guide: applying, the stages of the item's process template, and delivery."""
    steps = [Step(_("Apply online") if item.online_available else _("Submit materials"))]
    for stage in item.process_template.stages.all():
        if stage.action == StageAction.JOINT_REVIEW:
            note = _("in parallel: %(agencies)s") % {"agencies": "、".join(a.name for a in stage.agencies.all())}
        elif stage.action == StageAction.POST_VERIFY:
            note = _("after the decision")
        else:
            note = ""
        steps.append(Step(stage.name, note))
    steps.append(Step(_("Result by post or e-licence") if item.mail_results else _("Collect the result")))
    return steps


def faq_pairs(text: str) -> list[tuple[str, str]]:
    """问：…/答：… lines as (question, answer); any other line continues the previous part."""
    pairs: list[list[str]] = []
    for line in text.splitlines():
        if _QUESTION.match(line):
            pairs.append([_QUESTION.sub("", line), ""])
        elif _ANSWER.match(line) and pairs:
            pairs[-1][1] = _ANSWER.sub("", line)
        elif line.strip() and pairs:
            pairs[-1][1 if pairs[-1][1] else 0] += "\n" + line.strip()
        elif line.strip():
            pairs.append(["", line.strip()])
    return [(q, a) for q, a in pairs]
