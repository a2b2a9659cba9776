"""One small form per step a member of staff can take on a case; the services check everything else."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zerovisit.cases.services import EXTENSION_DAYS, SPECIAL_PROCEDURES

TEXT = {"widget": forms.Textarea(attrs={"rows": 3})}


class StepForm(forms.Form):
    """A step's form, made for one case (most steps ask the same whatever the case)."""

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)


class ClaimForm(StepForm):
    title = _("Claim")


class AcceptForm(StepForm):
    title = _("Accept")
    opinion = forms.CharField(label=_("Opinion"), required=False, **TEXT)


class RefuseForm(StepForm):
    title = _("Refuse to accept")
    reason = forms.CharField(label=_("Reason"), **TEXT)
    competent_office = forms.CharField(label=_("Competent office (when outside our powers)"), required=False)


class CorrectionForm(StepForm):
    title = _("Request correction")
    materials = forms.TypedMultipleChoiceField(label=_("Materials concerned"), coerce=int,
                                               widget=forms.CheckboxSelectMultiple)  # fmt: skip
    corrections = forms.CharField(label=_("Everything to correct, one per line"), **TEXT)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["materials"].choices = [(spec.pk, spec.name) for spec in case.item.materials.all()]

    def clean_corrections(self):
        return [line.strip() for line in self.cleaned_data["corrections"].splitlines() if line.strip()]


class ReviewForm(StepForm):
    title = _("Review")
    opinion = forms.CharField(label=_("Review opinion"), **TEXT)


class DecideForm(StepForm):
    title = _("Decide")
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                     choices=[("1", _("Approve")), ("0", _("Deny"))])  # fmt: skip
    reasons = forms.CharField(label=_("Reasons"), **TEXT)


class FileForm(StepForm):
    title = _("Issue the filing receipt")
    opinion = forms.CharField(label=_("Opinion"), required=False, **TEXT)


class OriginalsForm(StepForm):
    title = _("Check the originals (先审后验)")
    matched = forms.TypedChoiceField(
        label=_("The originals"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("match the copies")), ("0", _("do not match: revoke the approval"))],
    )  # fmt: skip
    note = forms.CharField(label=_("What was found"), required=False, **TEXT)


class HandOverForm(StepForm):
    title = _("Hand over the result")
    note = forms.CharField(label=_("Note (who collected it)"), required=False, **TEXT)


class ExtendForm(StepForm):
    title = _("Extend the time limit")
    reason = forms.CharField(label=_("Reason (told to the applicant)"), **TEXT)
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=EXTENSION_DAYS, initial=EXTENSION_DAYS)


class SuspendForm(StepForm):
    title = _("Start a special procedure")
    procedure = forms.ChoiceField(label=_("Procedure"), choices=[(p, p) for p in SPECIAL_PROCEDURES])
    expected_days = forms.IntegerField(label=_("Expected working days"), min_value=1, max_value=250)
    reason = forms.CharField(label=_("Note"), required=False, **TEXT)


class ResumeForm(StepForm):
    title = _("End the special procedure")
    opinion = forms.CharField(label=_("Opinion"), required=False, **TEXT)


class VerifyForm(StepForm):
    title = _("Verify the commitment")
    passed = forms.TypedChoiceField(
        label=_("Finding"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("The commitment holds")), ("0", _("Order a correction"))],
    )  # fmt: skip
    note = forms.CharField(label=_("What the verification found"), **TEXT)
    correction_days = forms.IntegerField(label=_("Working days to correct"), min_value=1, max_value=60, initial=20)


class ConcludeCorrectionForm(StepForm):
    title = _("Conclude the correction")
    corrected = forms.TypedChoiceField(
        label=_("Finding"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("Corrected")), ("0", _("Not corrected: revoke the approval"))],
    )  # fmt: skip
    note = forms.CharField(label=_("What the verification found"), **TEXT)
