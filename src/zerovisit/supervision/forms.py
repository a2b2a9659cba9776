import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 3 * 366


def last_twelve_months(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The default period: from the first of the month eleven months back to today."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1), today


class PeriodForm(forms.Form):
    """The period of the figures, both days included; at most three years."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        default_start, default_end = last_twelve_months(timezone.localdate())
        start, end = cleaned.get("start") or default_start, cleaned.get("end") or default_end
        if start > end:
            raise forms.ValidationError(_("The first day comes after the last."), code="period_reversed")
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."), code="period_too_long")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for, or the default one when the form has errors (which the page shows)."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return last_twelve_months(timezone.localdate())


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("What is being done"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
