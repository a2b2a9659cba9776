"""The API's list filters: django-filter, refusing what it would otherwise quietly ignore."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from .errors import DomainError

_BOOLEAN_VALUES = ("true", "false", "1", "0")


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """The id of a row: a whole number (1.5 is not an id) that a 64-bit key can hold; one that names no row
    finds nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


def value_problems(params, names, *, booleans=()) -> list[dict]:
    """Problems of query parameters that name a value: one given empty, or a yes/no one given neither."""
    problems = [
        {"field": name, "code": "empty", "message": _("Give a value or leave the filter out.")}
        for name in names
        if "" in params.getlist(name)
    ]
    for name in booleans:
        values = params.getlist(name)
        if values and values[-1] and values[-1].lower() not in _BOOLEAN_VALUES:
            problems.append({"field": name, "code": "invalid", "message": _("Use true or false.")})
    return problems


def form_problems(form) -> list[dict]:
    """A bound form's errors (or a filterset's) in the API's error shape."""
    return [
        {"field": field, "code": error.code or "invalid", "message": error.message % (error.params or {})}
        for field, field_errors in form.errors.as_data().items()
        for error in field_errors
    ]


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a filter given an empty value, a value that is not one of its
    choices, not a number or not yes/no is refused with 400 `invalid_filter`: django-filter would drop such a
    filter and answer every row, so that `?status=` (or a misspelt status) looked like an answer. Free-text
    filters may be empty."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.checked_filterset(request, queryset, view)
        return queryset if filterset is None else filterset.qs

    def checked_filterset(self, request, queryset, view):
        """The view's filterset bound to the request, its values checked (`.form.cleaned_data`); None without one."""
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        checked = [name for name, declared in filterset.filters.items()
                   if not isinstance(declared, django_filters.CharFilter)]  # fmt: skip
        booleans = [name for name in checked if isinstance(filterset.filters[name], django_filters.BooleanFilter)]
        errors = value_problems(request.query_params, checked, booleans=booleans)
        if not errors and not filterset.is_valid():
            errors = form_problems(filterset)
        if errors:
            raise DomainError(errors[0]["message"], code="invalid_filter", errors=errors)
        return filterset
