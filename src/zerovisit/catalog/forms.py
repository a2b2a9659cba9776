from django import forms
from django.utils.translation import gettext_lazy as _

from zerovisit.org.models import Agency, Level, Region

from .models import FocusArea, ItemType, Theme
from .selectors import ItemFilters


class CatalogueQueryForm(forms.Form):
    """The portal's and the API's search and filter parameters, validated once for both."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    type = forms.ModelChoiceField(
        label=_("Item type"), queryset=ItemType.objects.all(), required=False, empty_label=_("All types")
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.all(), required=False, empty_label=_("All agencies")
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All regions"),
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Region.objects.all(),
        required=False,
        to_field_name="code",
        help_text=_("Where the applicant lives: one implementation of each item, the one that serves this place."),
    )
    level = forms.TypedChoiceField(
        label=_("Exercise level"),
        choices=[("", _("All levels")), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All themes"),
    )
    zero_visits = forms.BooleanField(label=_("Zero visits only"), required=False)
    focus = forms.ChoiceField(label=_("Focus area"), choices=[("", _("All areas")), *FocusArea.choices], required=False)

    def filters(self) -> ItemFilters:
        data = self.cleaned_data
        return ItemFilters(
            item_type=data["type"].pk if data["type"] else None,
            agency=data["agency"],
            region=data["region"],
            level=data["level"],
            theme=data["theme"],
            zero_visits=data["zero_visits"],
            focus=data["focus"] or None,
            place=data["place"],
        )
