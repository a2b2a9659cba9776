from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ONLINE_ITEMS, Rating

TEXT = {"max_length": 1000}


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("How was the service?"), choices=Rating.choices, coerce=int,
                                    widget=forms.RadioSelect)  # fmt: skip
    items = forms.MultipleChoiceField(label=_("What was not satisfactory?"), choices=list(ONLINE_ITEMS.items()),
                                      required=False, widget=forms.CheckboxSelectMultiple)  # fmt: skip
    comment = forms.CharField(
        label=_("Anything to add"), required=False, widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )
    anonymous = forms.BooleanField(label=_("Rate anonymously (then nobody can call you back)"), required=False)


class RateAgainForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("How do you rate the service now?"), choices=Rating.choices, coerce=int,
                                    widget=forms.RadioSelect)  # fmt: skip
    comment = forms.CharField(
        label=_("Anything to add"), required=False, widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )


class CallBackForm(forms.Form):
    said = forms.CharField(label=_("What was said on the call"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT)


class RectifyForm(forms.Form):
    action = forms.CharField(label=_("What was put right"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT)
    told = forms.CharField(
        label=_("What the rater or caller was told"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Why the rating is wrong or malicious, and the evidence"),
                             widget=forms.Textarea(attrs={"rows": 4}), **TEXT)  # fmt: skip


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Review note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), **TEXT)


class AppealDecisionForm(forms.Form):
    set_aside = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda value: value == "1", widget=forms.RadioSelect,
        choices=[("1", _("Set the rating aside")), ("0", _("Reject the appeal: the agency rectifies"))],
    )  # fmt: skip
    note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), **TEXT)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("The department answers within one working day. Do not write your ID "
                                       "number or other personal details."))  # fmt: skip


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), **TEXT)


class PublishForm(forms.Form):
    question = forms.CharField(label=_("Question as published"), max_length=500,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    answer = forms.CharField(label=_("Answer as published"), widget=forms.Textarea(attrs={"rows": 4}), **TEXT)
