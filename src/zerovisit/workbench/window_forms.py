"""The application form at a window: the online form, filled in by staff for a walk-in applicant."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zerovisit.accounts.services import CHECK_OVERRIDE_REASON_LENGTH
from zerovisit.portal.case_forms import ApplicationForm


class WindowApplicationForm(ApplicationForm):
    """An early credit code may be legal yet fail its check character: staff who have seen it on the applicant's
    certificate accept it with the reason (recorded on the applicant and audited: accounts.services)."""

    check_override_reason = forms.CharField(
        label=_("Why a credit code that fails its check is accepted"), required=False,
        max_length=CHECK_OVERRIDE_REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the check character does not match: e.g. the certificate that shows the code."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _("The applicant confirmed that the information and materials are true and "
                                         "complete.")  # fmt: skip

    def applicant(self) -> dict:
        """Whom the application is for, as cases.services.submit_application takes it."""
        data = self.cleaned_data
        return {"kind": data["applicant_kind"], "name": data["applicant_name"], "id_number": data["id_number"],
                "credit_code": data["credit_code"], "phone": data["phone"], "email": data["email"],
                "check_override_reason": data["check_override_reason"]}  # fmt: skip
