"""One small form per step a member of staff can take on a case; the services check everything else."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zerovisit.cases.services import EXTENSION_DAYS, SPECIAL_PROCEDURES

TEXT = {"widget": forms.Textarea(attrs={"rows": 3})}


class ClaimForm(forms.Form):
    title = _("Claim")


class AcceptForm(forms.Form):
    title = _("Accept")
    opinion = forms.CharField(label=_("Opinion"), required=False, **TEXT)


class RefuseForm(forms.Form):
    title = _("Refuse to accept")
    reason = forms.CharField(label=_("Reason"), **TEXT)
    competent_office = forms.CharField(label=_("Competent office (when outside our powers)"), required=False)


class CorrectionForm(forms.Form):
    title = _("Request correction")
    corrections = forms.CharField(label=_("Everything to correct, one per line"), **TEXT)

    def clean_corrections(self):
        return [line.strip() for line in self.cleaned_data["corrections"].splitlines() if line.strip()]


class ReviewForm(forms.Form):
    title = _("Review")
    opinion = forms.CharField(label=_("Review opinion"), **TEXT)


class DecideForm(forms.Form):
    title = _("Decide")
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                     choices=[("1", _("Approve")), ("0", _("Deny"))])  # fmt: skip
    reasons = forms.CharField(label=_("Reasons"), **TEXT)


class FileForm(forms.Form):
    title = _("Issue the filing receipt")
    opinion = forms.CharField(label=_("Opinion"), required=False, **TEXT)


class OriginalsForm(forms.Form):
    title = _("Check the originals (先审后验)")
    matched = forms.TypedChoiceField(
        label=_("The originals"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("match the copies")), ("0", _("do not match: revoke the approval"))],
    )  # fmt: skip
    note = forms.CharField(label=_("What was found"), required=False, **TEXT)


class HandOverForm(forms.Form):
    title = _("Hand over the result")
    note = forms.CharField(label=_("Note (who collected it)"), required=False, **TEXT)


class ExtendForm(forms.Form):
    title = _("Extend the time limit")
    reason = forms.CharField(label=_("Reason (told to the applicant)"), **TEXT)
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=EXTENSION_DAYS, initial=EXTENSION_DAYS)


class SuspendForm(forms.Form):
    title = _("Start a special procedure")
    procedure = forms.ChoiceField(label=_("Procedure"), choices=[(p, p) for p in SPECIAL_PROCEDURES])
    expected_days = forms.IntegerField(label=_("Expected working days"), min_value=1, max_value=250)
    reason = forms.CharField(label=_("Note"), required=False, **TEXT)


class ResumeForm(forms.Form):
    title = _("End the special procedure")
    opinion = forms.CharField(label=_("Opinion"), required=False, **TEXT)


class VerifyForm(forms.Form):
    title = _("Verify the commitment")
    passed = forms.TypedChoiceField(
        label=_("Finding"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("The commitment holds")), ("0", _("Order a correction"))],
    )  # fmt: skip
    note = forms.CharField(label=_("What the verification found"), **TEXT)
    correction_days = forms.IntegerField(label=_("Working days to correct"), min_value=1, max_value=60, initial=20)


class ConcludeCorrectionForm(forms.Form):
    title = _("Conclude the correction")
    corrected = forms.TypedChoiceField(
        label=_("Finding"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("Corrected")), ("0", _("Not corrected: revoke the approval"))],
    )  # fmt: skip
    note = forms.CharField(label=_("What the verification found"), **TEXT)
