"""The application form of an item, built from its materials, and the applicant's follow-up forms."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from zerovisit.accounts.models import ApplicantKind
from zerovisit.cases.models import DeliveryMethod
from zerovisit.cases.services import MaterialInput
from zerovisit.catalog.formfields import form_fields, to_json
from zerovisit.catalog.models import MaterialForm, Necessity, ProcessKind, ServiceItem
from zerovisit.org.models import Region


class ApplicantFields(forms.Form):
    """Who applies, and where a courier brings the result: what every application form asks."""

    applicant_kind = forms.ChoiceField(label=_("Applying as"), choices=ApplicantKind.choices,
                                       widget=forms.RadioSelect, initial=ApplicantKind.PERSON)  # fmt: skip
    applicant_name = forms.CharField(label=_("Name (person or organisation)"), max_length=200)
    id_number = forms.CharField(label=_("Citizen ID number"), max_length=18, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    phone = forms.RegexField(label=_("Mobile phone (for SMS updates)"), regex=r"^1\d{10}$", required=False,
                             error_messages={"invalid": _("Enter an 11-digit mobile number.")})  # fmt: skip
    email = forms.EmailField(label=_("E-mail (optional, for updates)"), required=False, max_length=254)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def add_delivery_address_fields(self):
        self.fields["delivery_name"] = forms.CharField(label=_("Recipient"), max_length=100, required=False)
        self.fields["delivery_phone"] = forms.RegexField(
            label=_("Recipient's mobile phone"), regex=r"^1\d{10}$", required=False,
            error_messages={"invalid": _("Enter an 11-digit mobile number.")},
        )  # fmt: skip
        levels = [pgettext("address", "Province"), pgettext("address", "City"),
                  pgettext("address", "District or county"), pgettext("address", "Town or street")]  # fmt: skip
        self.fields["delivery_region"] = forms.ModelChoiceField(
            label=_("District"), queryset=Region.objects.order_by("code"), to_field_name="code", required=False,
            widget=forms.Select(attrs={"data-cascade": "|".join(levels)}),
        )  # fmt: skip
        self.fields["delivery_address"] = forms.CharField(label=_("Street address"), max_length=200,
                                                          required=False)  # fmt: skip

    def delivery_fields(self):
        return [self[name] for name in ("delivery_name", "delivery_phone", "delivery_region", "delivery_address")
                if name in self.fields]  # fmt: skip

    def delivery_address(self) -> dict:
        """The courier's address as the case service takes it (it checks it is complete)."""
        data = self.cleaned_data
        if data.get("delivery_method") != DeliveryMethod.COURIER and not data.get("paper_pickup"):
            return {}
        region = data.get("delivery_region")
        return {"name": data.get("delivery_name", ""), "phone": data.get("delivery_phone", ""),
                "region": region.code if region else "", "address": data.get("delivery_address", "")}  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("applicant_kind") == ApplicantKind.PERSON and not data.get("id_number"):
            self.add_error("id_number", _("Enter the citizen ID number."))
        if data.get("applicant_kind") == ApplicantKind.ORGANISATION and not data.get("credit_code"):
            self.add_error("credit_code", _("Enter the unified social credit code."))
        return data


class ApplicationForm(ApplicantFields):
    def __init__(self, item: ServiceItem, *args, from_library=None, kept=None, **kwargs):
        """`from_library`: spec id → the licence the library gives for it; `kept`: spec id → the file a draft
        holds for it (uploaded before and kept, so it need not be chosen again)."""
        super().__init__(*args, **kwargs)
        self.item, self.from_library, self.kept = item, from_library or {}, kept or {}
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        for label, field in form_fields(item.form_fields).items():
            self.fields[f"form.{label}"] = field
        self.specs = list(item.materials.all())
        for spec in self.specs:
            self.fields[f"material_{spec.pk}"] = forms.FileField(
                label=spec.name, required=False,
                help_text=_("PDF, image or office document, up to 20 MB.") + (f" {spec.notes}" if spec.notes else ""),
            )  # fmt: skip
            if spec.necessity == Necessity.DEFERRABLE:
                self.fields[f"later_{spec.pk}"] = forms.BooleanField(label=_("I will provide it later (容缺后补)"),
                                                                     required=False)  # fmt: skip
        methods = item.delivery_methods()
        self.fields["delivery_method"] = forms.ChoiceField(
            label=_("How the result reaches you"), widget=forms.RadioSelect, initial=methods[0],
            choices=[(m, DeliveryMethod(m).label) for m in methods],
        )  # fmt: skip
        paper = [spec for spec in self.specs if spec.form == MaterialForm.PAPER]
        if item.mail_materials and paper:
            self.fields["paper_pickup"] = forms.BooleanField(
                label=_("Have the courier collect my paper materials (postage paid by the government)"),
                required=False, help_text="、".join(spec.name for spec in paper),
            )  # fmt: skip
        if DeliveryMethod.COURIER in methods or "paper_pickup" in self.fields:
            self.add_delivery_address_fields()
        if item.process_template.kind == ProcessKind.COMMITMENT:
            self.fields["commitment"] = forms.ChoiceField(
                label=_("Notification and commitment"), widget=forms.RadioSelect,
                choices=[("sign", _("I have read the notification and sign the commitment: I meet the conditions, "
                                    "and a false commitment leads to revocation and a credit record.")),
                         ("normal", _("I choose the normal procedure instead."))],
            )  # fmt: skip
        self.fields["confirm"] = forms.BooleanField(
            label=_("I confirm that the information and materials are true and complete.")
        )

    def item_fields(self):
        return [self[name] for name in self.fields if name.startswith("form.")]

    def form_data(self) -> dict:
        """The answers to the item's own questions, keyed by their labels as the case stores them."""
        return {
            name.removeprefix("form."): to_json(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("form.") and value not in (None, "")
        }

    def material_fields(self):
        """(spec, file field, 容缺后补 field or None, the licence the library offers for it or None, the draft's
        file of it or None)."""
        return [
            (spec, self[f"material_{spec.pk}"], self[f"later_{spec.pk}"] if f"later_{spec.pk}" in self.fields else None,
             self.from_library.get(spec.pk), self.kept.get(spec.pk))
            for spec in self.specs
        ]  # fmt: skip

    def uploads(self) -> dict:
        """spec id → the file chosen for it in this request (valid or not: a draft checks it again)."""
        names = {spec.pk: f"material_{spec.pk}" for spec in self.specs}
        return {pk: self.files[name] for pk, name in names.items() if name in self.files}

    def materials(self) -> list[MaterialInput]:
        inputs = []
        for spec in self.specs:
            file = self.cleaned_data.get(f"material_{spec.pk}")
            later = self.cleaned_data.get(f"later_{spec.pk}", False)
            if file or later:
                inputs.append(MaterialInput(spec=spec, file=file, later=later and not file))
        return inputs


class CorrectionAnswerForm(forms.Form):
    note = forms.CharField(label=_("Note to the office"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, item: ServiceItem, asked: list[int] | None, *args, **kwargs):
        """A corrected copy of each material the notice named (`asked`); of any material when it named none."""
        super().__init__(*args, **kwargs)
        self.specs = [spec for spec in item.materials.all() if asked is None or spec.pk in asked]
        for spec in self.specs:
            self.fields[f"material_{spec.pk}"] = forms.FileField(label=spec.name, required=asked is not None)

    def materials(self) -> list[MaterialInput]:
        return [
            MaterialInput(spec=spec, file=self.cleaned_data[f"material_{spec.pk}"])
            for spec in self.specs
            if self.cleaned_data.get(f"material_{spec.pk}")
        ]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)


class BundleApplicationForm(ApplicantFields, forms.Form):
    """One form for a bundle (一件事): the applicant, the combined form's fields, each merged material once (by
    name), and one delivery for every result."""

    def __init__(self, bundle, combined, delivery_methods, *args, kept=None, **kwargs):
        """`combined`: the bundle's merged materials (cases.services.bundles.CombinedMaterial); `kept`: material
        name → the file a draft holds for it."""
        super().__init__(*args, **kwargs)
        self.bundle, self.combined, self.kept = bundle, combined, kept or {}
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        for label, field in form_fields(bundle.form_fields).items():
            self.fields[f"form.{label}"] = field
        for material in combined:
            hint = _("For: %(items)s.") % {"items": "、".join(material.members)}
            if material.from_library:
                hint += " " + _("Taken from your licences when you hold one; otherwise upload a copy.")
            self.fields[f"material_{material.name}"] = forms.FileField(label=material.name, required=False,
                                                                        help_text=hint)  # fmt: skip
            if material.may_follow:
                self.fields[f"later_{material.name}"] = forms.BooleanField(
                    label=_("I will provide it later (容缺后补)"), required=False
                )
        self.fields["delivery_method"] = forms.ChoiceField(
            label=_("How the results reach you"), widget=forms.RadioSelect, initial=delivery_methods[0],
            choices=[(m, DeliveryMethod(m).label) for m in delivery_methods],
        )  # fmt: skip
        if DeliveryMethod.COURIER in delivery_methods:
            self.add_delivery_address_fields()
        self.fields["confirm"] = forms.BooleanField(
            label=_("I confirm that the information and materials are true and complete.")
        )

    def item_fields(self):
        return [self[name] for name in self.fields if name.startswith("form.")]

    def material_fields(self):
        """(merged material, file field, 容缺后补 field or None, the draft's file of it or None)."""
        return [
            (m, self[f"material_{m.name}"], self[f"later_{m.name}"] if f"later_{m.name}" in self.fields else None,
             self.kept.get(m.name))
            for m in self.combined
        ]  # fmt: skip

    def uploads(self) -> dict:
        """Material name → the file chosen for it in this request."""
        return {m.name: self.files[f"material_{m.name}"] for m in self.combined if f"material_{m.name}" in self.files}

    def later(self) -> list[str]:
        return [m.name for m in self.combined if self.cleaned_data.get(f"later_{m.name}")]

    def form_data(self) -> dict:
        return {
            name.removeprefix("form."): to_json(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("form.") and value not in (None, "")
        }
