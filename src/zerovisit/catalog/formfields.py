"""申请表: the fields an item's application form asks for, kept on the item version as data.

A field is ``{"label": "经营场所面积（平方米）", "type": "decimal", "required": true, "choices": []}``. The label is
also the key under which a case stores the answer, so a case read years later still says what was asked. One set
of Django form fields serves the portal's page and the case service's check, so both accept and refuse the same
answers with the same messages.
"""

import datetime
import decimal
import functools
import json

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_LABEL = 50
MAX_FIELDS = 40


class FieldType(models.TextChoices):
    TEXT = "text", gettext_lazy("Text")
    TEXTAREA = "textarea", gettext_lazy("Long text")
    INTEGER = "integer", gettext_lazy("Whole number")
    DECIMAL = "decimal", gettext_lazy("Number")
    DATE = "date", gettext_lazy("Date")
    CHOICE = "choice", gettext_lazy("Choice")


def schema_errors(fields) -> list[str]:
    """What is wrong with an item's list of form fields; empty when it is sound."""
    if not isinstance(fields, list):
        return [_("The form fields must be a list.")]
    if len(fields) > MAX_FIELDS:
        return [_("At most %(n)s form fields.") % {"n": MAX_FIELDS}]
    problems, seen = [], set()
    for number, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            problems.append(_("Form field %(n)s is not an object.") % {"n": number})
            continue
        label, kind, choices = str(field.get("label", "")).strip(), field.get("type"), field.get("choices") or []
        if not label or len(label) > MAX_LABEL:
            message = _("Form field %(n)s needs a label of 1 to %(max)s characters.")
            problems.append(message % {"n": number, "max": MAX_LABEL})
        elif label in seen:
            problems.append(_("Two form fields are called “%(label)s”.") % {"label": label})
        seen.add(label)
        if kind not in FieldType.values:
            problems.append(_("Form field “%(label)s” has an unknown type “%(type)s”.") % {"label": label,
                                                                                           "type": kind})  # fmt: skip
        if kind == FieldType.CHOICE and (not isinstance(choices, list) or len(set(map(str, choices))) < 2):
            problems.append(_("Choice field “%(label)s” needs at least two different choices.") % {"label": label})
        if kind != FieldType.CHOICE and choices:
            problems.append(_("Only a choice field has choices (“%(label)s”).") % {"label": label})
        if not isinstance(field.get("required", False), bool):
            problems.append(_("Form field “%(label)s”: required is true or false.") % {"label": label})
    return problems


def form_fields(schema: list[dict]) -> dict[str, forms.Field]:
    """Label → Django form field, in the item's order."""
    made = {}
    for spec in schema:
        common = {"label": spec["label"], "required": spec.get("required", False)}
        kind = spec["type"]
        if kind == FieldType.TEXT:
            field = forms.CharField(max_length=200, **common)
        elif kind == FieldType.TEXTAREA:
            field = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common)
        elif kind == FieldType.INTEGER:
            field = forms.IntegerField(min_value=0, max_value=10**12, **common)
        elif kind == FieldType.DECIMAL:
            field = forms.DecimalField(min_value=0, max_digits=16, decimal_places=4, **common)
        elif kind == FieldType.DATE:
            field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        else:
            choices = [("", "—")] + [(str(c), str(c)) for c in spec["choices"]]
            field = forms.ChoiceField(choices=choices, **common)
        made[spec["label"]] = field
    return made


def to_json(value):
    """A cleaned answer as it is stored on the case."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return value


class FormDataError(ValueError):
    def __init__(self, errors: list[dict]):
        super().__init__(errors[0]["message"])
        self.errors = errors


def clean_form_data(schema: list[dict], data: dict) -> dict:
    """The answers checked against the item's fields: label → JSON value, empty optional answers left out.
    Raises FormDataError listing every problem, each as {field: "form.<label>", code, message}."""
    data = data if isinstance(data, dict) else {}
    form = _form_class(json.dumps(schema, sort_keys=True))(data={k: _as_text(v) for k, v in data.items()})
    problems = [
        {"field": f"form.{label}", "code": "unknown_field", "message": _("“%(label)s” is not a field of this "
                                                                         "form.") % {"label": label}}
        for label in data
        if label not in form.fields
    ]  # fmt: skip
    if not form.is_valid():
        for label, errors in form.errors.get_json_data().items():
            for error in errors:
                problems.append({"field": f"form.{label}", "code": error["code"] or "invalid",
                                 "message": f"{label}：{error['message']}"})  # fmt: skip
    if problems:
        raise FormDataError(problems)
    return {label: to_json(value) for label, value in form.cleaned_data.items() if value not in (None, "")}


@functools.lru_cache(maxsize=512)
def _form_class(schema_json: str) -> type[forms.Form]:
    """Building a form class costs more than checking the answers; an item version's fields never change, so the
    class is made once per distinct schema (Django copies the fields into each form instance)."""
    return type("ItemForm", (forms.Form,), form_fields(json.loads(schema_json)))


def _as_text(value) -> str:
    return "" if value is None else str(value)
