"""The forms of signing in by SMS code, the second factor of staff, resetting a password, verifying an identity,
and claiming an organisation and authorising its agents."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneCodeForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "tel"}))  # fmt: skip
    code = forms.CharField(label=_("SMS code"), max_length=6, required=False, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code"}))  # fmt: skip

    def __init__(self, *args, sending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending  # asking for a code: the code itself is not needed yet

    def clean(self):
        data = super().clean()
        if not self.sending and not data.get("code"):
            self.add_error("code", _("Enter the code the SMS gave you."))
        return data


class ResetPasswordForm(PhoneCodeForm):
    new_password1 = forms.CharField(label=_("New password"), required=False, strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))  # fmt: skip
    new_password2 = forms.CharField(label=_("New password again"), required=False, strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))  # fmt: skip

    def clean(self):
        data = super().clean()
        if not self.sending:
            if not data.get("new_password1"):
                self.add_error("new_password1", _("Choose a new password."))
            elif data.get("new_password1") != data.get("new_password2"):
                self.add_error("new_password2", _("The two passwords differ."))
        return data


class RealNameForm(forms.Form):
    name = forms.CharField(label=_("Name, as on the ID card"), max_length=50)
    id_number = forms.CharField(label=_("Citizen ID number"), max_length=18, widget=forms.TextInput(attrs={
        "autocomplete": "off", "spellcheck": "false"}))  # fmt: skip


class FaceForm(forms.Form):
    photo = forms.FileField(label=_("A photo of your face, taken now"), widget=forms.ClearableFileInput(attrs={
        "accept": "image/jpeg,image/png", "capture": "user"}))  # fmt: skip


class SecondFactorForm(forms.Form):
    token = forms.CharField(label=_("Code"), max_length=20, widget=forms.TextInput(attrs={
        "inputmode": "text", "autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
        help_text=_("The six digits your authenticator app shows now, or one of your backup codes."))  # fmt: skip


class EnrolForm(forms.Form):
    token = forms.CharField(label=_("The app's code"), max_length=8, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}),
        help_text=_("After adding the key, type the six digits the app shows."))  # fmt: skip


class ClaimOrganisationForm(forms.Form):
    name = forms.CharField(label=_("Organisation name, as registered"), max_length=200)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, widget=forms.TextInput(
        attrs={"autocomplete": "off", "spellcheck": "false"}))  # fmt: skip


class AgentForm(forms.Form):
    name = forms.CharField(label=_("Agent's name, as on the ID card"), max_length=50)
    id_number = forms.CharField(label=_("Agent's citizen ID number"), max_length=18, widget=forms.TextInput(attrs={
        "autocomplete": "off", "spellcheck": "false"}))  # fmt: skip
    item_codes = forms.CharField(label=_("Items"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("Implementation codes, one per line. Empty: every item."))  # fmt: skip
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_item_codes(self):
        return [code for code in re.split(r"[\s,，、]+", self.cleaned_data["item_codes"]) if code]


class ChangePasswordForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))  # fmt: skip
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))  # fmt: skip

    def __init__(self, *args, has_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if has_password:
            self.fields["current_password"].required = True
        else:  # registered by SMS code: there is no current password to ask for
            del self.fields["current_password"]

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data
