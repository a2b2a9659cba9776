"""What the item guide shows beyond the stored fields: the process flow and the FAQ as question/answer pairs."""

import re

from django.utils.translation import gettext as _

from .models import CaseKind, ReformMode, ServiceItem

_QUESTION = re.compile(r"^\s*(问|Q)\s*[:：]\s*", re.IGNORECASE)
_ANSWER = re.compile(r"^\s*(答|A)\s*[:：]\s*", re.IGNORECASE)


def flow_steps(item: ServiceItem) -> list[str]:
    """The steps an application goes through, from the item's case kind and reform mode.

    A stand-in for the process templates of the case lifecycle, which will replace it with the item's template.
    """
    apply = _("Apply online") if item.online_available else _("Submit materials")
    deliver = _("Result by post or e-licence") if item.mail_results else _("Collect the result")
    if item.reform_mode == ReformMode.FILING:
        return [apply, _("Completeness check"), _("Filing receipt")]
    if item.reform_mode == ReformMode.COMMITMENT:
        return [apply, _("Sign the commitment"), _("Decision on the spot"), deliver, _("Post-verification")]
    if item.case_kind == CaseKind.INSTANT:
        return [apply, _("Accepted and decided on the spot"), deliver]
    return [apply, _("Acceptance"), _("Review"), _("Decision"), deliver]


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
