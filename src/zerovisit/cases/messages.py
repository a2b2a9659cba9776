"""What the applicant is told at each step of a case (in-app, and by SMS where a phone is known)."""

from django.utils.translation import gettext as _

from .models import Case


def applicant_message(case: Case, action: str, data: dict, opinion: str) -> tuple[str, str] | None:
    """(title, text) for the step, or None for steps the applicant is not told about (claiming)."""
    item = case.item.name
    n = case.number
    texts = {
        "submit": (_("Application received"), _("Your application %(n)s for %(item)s was received. It will be "
                                                 "accepted, or you will be told what to correct, by %(due)s.")),
        "resubmit": (_("Corrected materials received"), _("The corrected materials of %(n)s (%(item)s) were "
                                                           "received. Acceptance is due by %(due)s.")),
        "request_correction": (_("Please correct your application"), _("Application %(n)s (%(item)s) needs "
                                                                       "correcting: %(corrections)s.")),
        "refuse": (_("Application not accepted"), _("Application %(n)s (%(item)s) was not accepted: %(opinion)s")),
        "accept": (_("Application accepted"), _("Application %(n)s (%(item)s) was accepted. The decision is due "
                                                 "by %(decision_due)s.")),
        "deemed_accepted": (_("Application accepted"), _("Application %(n)s (%(item)s) counts as accepted. The "
                                                         "decision is due by %(decision_due)s.")),
        "extend": (_("Time limit extended"), _("The decision on %(n)s (%(item)s) is extended to "
                                               "%(decision_due)s: %(opinion)s")),
        "suspend": (_("Special procedure"), _("%(n)s (%(item)s) waits for %(procedure)s, expected to take "
                                              "%(expected_days)s working days; this time is not counted.")),
        "resume": (_("Handling resumed"), _("%(n)s (%(item)s) is handled again. The decision is due by "
                                            "%(decision_due)s.")),
        "decide": (_("Decision made"), _("%(n)s (%(item)s): %(outcome)s. %(opinion)s")),
        "file": (_("Filing complete"), _("%(n)s (%(item)s) is filed.")),
        "withdraw": (_("Application withdrawn"), _("%(n)s (%(item)s) was withdrawn.")),
        "check_originals": (_("Originals checked"), _("The originals for %(n)s (%(item)s) %(originals)s")),
    }  # fmt: skip
    if action not in texts:
        return None
    title, text = texts[action]
    values = {
        "n": n, "item": item, "opinion": opinion, "due": case.acceptance_due or "",
        "decision_due": case.decision_due or "", "corrections": "；".join(data.get("corrections", [])),
        "procedure": data.get("procedure", ""), "expected_days": data.get("expected_days", ""),
        "outcome": _("approved") if data.get("approved") else _("not approved"),
        "originals": _("match the copies: the approval stands.") if data.get("matched")
        else _("do not match the copies, so the approval is revoked: %(opinion)s") % {"opinion": opinion},
    }  # fmt: skip
    return title, text % values
