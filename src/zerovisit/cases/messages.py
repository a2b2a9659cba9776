"""What the applicant is told at each step of a case: which message template, with which values. The texts are in
notify.templates, the one place for every message the platform sends."""

from zerovisit.notify.templates import TEMPLATES

from .models import Case


def applicant_message(case: Case, action: str, data: dict, opinion: str) -> tuple[str, dict] | None:
    """(event, values) of the applicant's message for a step, or None for steps they are not told about
    (claiming, reviewing)."""
    if action == "submit" and case.bundle_case_id:
        return None  # the bundle's application is acknowledged once, as a whole (services.bundles)
    event = f"case.{action}"
    if action == "decide":
        event += ".approved" if data.get("approved") else ".denied"
    elif action == "check_originals":
        event += ".matched" if data.get("matched") else ".differ"
    elif action == "deadline_recounted" and not data.get("changed"):
        return None  # the estimate was right: nothing to tell
    if event not in TEMPLATES:
        return None
    return event, {
        "n": case.number, "item": case.item.name, "opinion": opinion, "due": case.acceptance_due or "",
        "decision_due": case.decision_due or "", "corrections": "；".join(data.get("corrections", [])),
        "procedure": data.get("procedure", ""), "expected_days": data.get("expected_days", ""),
        "waybill": data.get("waybill", ""), "deadline": case.due or "", "answer_due": data.get("answer_due", ""),
    }  # fmt: skip
