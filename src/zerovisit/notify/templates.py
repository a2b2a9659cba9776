"""The text of every message the platform sends, one template per event: a title and a body, written in English
and translated like the rest of the platform, so each recipient reads them in the language they chose.

Bodies name their values (`%(n)s`, the case number; `%(item)s`, the item…); the caller passes them. An event
without a template sends nothing.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

TEMPLATES = {
    "case.submit": (_("Application received"), _(
        "Your application %(n)s for %(item)s was received. It will be accepted, or you will be told what to "
        "correct, by %(due)s.")),
    "case.resubmit": (_("Corrected materials received"), _(
        "The corrected materials of %(n)s (%(item)s) were received. Acceptance is due by %(due)s.")),
    "case.request_correction": (_("Please correct your application"), _(
        "Application %(n)s (%(item)s) needs correcting by %(answer_due)s: %(corrections)s. Without an answer by "
        "then, it counts as withdrawn.")),
    "case.correction_lapsed": (_("Application withdrawn"), _(
        "%(n)s (%(item)s) counts as withdrawn: the correction asked for was not sent by %(answer_due)s.")),
    "case.refuse": (_("Application not accepted"), _("Application %(n)s (%(item)s) was not accepted: %(opinion)s")),
    "case.accept": (_("Application accepted"), _(
        "Application %(n)s (%(item)s) was accepted. The decision is due by %(decision_due)s.")),
    "case.deemed_accepted": (_("Application accepted"), _(
        "Application %(n)s (%(item)s) counts as accepted. The decision is due by %(decision_due)s.")),
    "case.extend": (_("Time limit extended"), _(
        "The decision on %(n)s (%(item)s) is extended to %(decision_due)s: %(opinion)s")),
    "case.suspend": (_("Special procedure"), _(
        "%(n)s (%(item)s) waits for %(procedure)s, expected to take %(expected_days)s working days; this time is "
        "not counted.")),
    "case.resume": (_("Handling resumed"), _("%(n)s (%(item)s) is handled again. The decision is due by "
                                             "%(decision_due)s.")),
    "case.decide.approved": (_("Decision made"), _("%(n)s (%(item)s): approved. %(opinion)s")),
    "case.decide.denied": (_("Decision made"), _("%(n)s (%(item)s): not approved. %(opinion)s")),
    "case.file": (_("Filing complete"), _("%(n)s (%(item)s) is filed.")),
    "case.withdraw": (_("Application withdrawn"), _("%(n)s (%(item)s) was withdrawn.")),
    "bundle.submit": (_("Application received"), _(
        "Your application %(n)s for %(bundle)s was received. Each item is handled by its agency; everything is "
        "promised by %(due)s.")),
    "bundle.concluded": (_("Application concluded"), _(
        "Every item of %(n)s (%(bundle)s) is concluded. The results are on the application's page.")),
    "bundle.stopped": (_("Application stopped"), _(
        "%(n)s (%(bundle)s) stopped: one of its items was not approved. The reasons are on the application's "
        "page.")),
    "bundle.withdrawn": (_("Application withdrawn"), _("%(n)s (%(bundle)s) was withdrawn.")),
    "case.check_originals.matched": (_("Originals checked"), _(
        "The originals for %(n)s (%(item)s) match the copies: the approval stands.")),
    "case.check_originals.differ": (_("Originals checked"), _(
        "The originals for %(n)s (%(item)s) do not match the copies, so the approval is revoked: %(opinion)s")),
    "case.deadline_recounted": (_("Deadline changed"), _(
        "With the official holiday schedule of the year, the deadline of %(n)s (%(item)s) is now %(deadline)s.")),
    "case.delivered": (_("Result delivered"), _(
        "The result of %(n)s (%(item)s) was delivered by the government-paid courier (waybill %(waybill)s).")),
    "case.handed_over": (_("Result handed over"), _("The result of %(n)s (%(item)s) was handed over. %(opinion)s")),
    "case.delivery_failed": (_("Delivery failed"), _(
        "The courier could not deliver the result of %(n)s (%(item)s), waybill %(waybill)s: %(opinion)s. The office "
        "will contact you.")),
    "staff.delivery_failed": (_("A delivery failed"), _(
        "The result of %(n)s (%(item)s), waybill %(waybill)s, could not be delivered: %(note)s. Arrange another "
        "delivery with the applicant.")),
    "staff.originals_arrived": (_("Originals arrived"), _(
        "The originals for %(n)s (%(item)s) arrived by courier (waybill %(waybill)s): check them against the "
        "copies.")),
    "staff.materials_arrived": (_("Paper materials arrived"), _(
        "The paper materials for %(n)s (%(item)s) arrived by courier (waybill %(waybill)s).")),
    "staff.new_work": (_("New work in your queue"), _(
        "%(count)s case(s) arrived in your unclaimed queue at %(agency)s since %(since)s.")),
    "account.code_sign_in": (_("zerovisit"), _(
        "Your sign-in code is %(code)s, valid for %(minutes)s minutes. Never tell it to anyone, staff included.")),
    "account.code_reset": (_("zerovisit"), _(
        "Your code to reset the password is %(code)s, valid for %(minutes)s minutes. If you did not ask for it, "
        "ignore this message.")),
    "account.claim_refused": (_("Someone tried to verify as you"), _(
        "An account tried to verify itself as the person %(identity)s, whose verified account is yours; it was "
        "refused. If that was not you, contact a service window.")),
    "account.organisation_moved": (_("An organisation left your account"), _(
        "The market-entity register names another person as the legal representative of %(organisation)s; its "
        "account is now theirs. If this is wrong, contact a service window.")),
    "account.agent_granted": (_("You may apply for an organisation"), _(
        "%(organisation)s authorised you as its agent (经办人) until %(until)s: you may apply for it and follow its "
        "cases.")),
    "staff.message_failed": (_("A message could not be delivered"), _(
        "The %(channel)s message “%(title)s” about %(n)s could not be delivered after %(attempts)s attempts: "
        "%(error)s. Contact the applicant another way.")),
    "staff.alert_escalated": (_("A case is still past its deadline"), _(
        "%(n)s (%(item)s) has been past its deadline since %(since)s and nobody has acknowledged the alert: see to "
        "it.")),
    "staff.bad_rating": (_("A bad rating to rectify"), _(
        "%(n)s (%(item)s) was rated %(rating)s. Call the rater back and put it right by %(due)s.")),
    "staff.work_order": (_("A 12345 work order to rectify"), _(
        "The 12345 hotline sent work order %(order)s. Call the caller back and put it right by %(due)s.")),
    "feedback.rectified": (_("Your rating was followed up"), _(
        "About your rating of %(n)s (%(item)s), the office put this right: %(action)s. You may rate the service "
        "again on the case page.")),
    "feedback.answered": (_("Your question was answered"), _(
        "Your question about %(item)s was answered: %(answer)s")),
    "security.audit_failed": (_("Audit records failed verification"), _(
        "The check of the audit records at %(when)s found %(count)s broken chain(s), first: %(first)s. The records "
        "may have been tampered with: keep the database and its backups as they are, and run zerovisit verify_audit "
        "for the full report.")),
}  # fmt: skip


def render(event: str, values: dict, language: str) -> tuple[str, str] | None:
    """(title, body) of an event's message in `language`, or None if the event has no template."""
    if event not in TEMPLATES:
        return None
    title, body = TEMPLATES[event]
    with translation.override(language):
        return str(title), str(body) % values
