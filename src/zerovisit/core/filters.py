"""The API's list filters: django-filter, refusing what it would otherwise quietly ignore."""

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend

from .errors import DomainError

_BOOLEAN_VALUES = ("true", "false", "1", "0")


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a filter given an empty value, a value that is not one of its
    choices, not a number or not yes/no is refused with 400 `invalid_filter`: django-filter would drop such a
    filter and answer every row, so that `?status=` (or a misspelt status) looked like an answer. Free-text
    filters may be empty."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = []
        for name, declared in filterset.filters.items():
            values = request.query_params.getlist(name)
            if not values or isinstance(declared, django_filters.CharFilter):
                continue
            if "" in values:
                errors.append({"field": name, "code": "empty", "message": _("Give a value or leave the filter out.")})
            elif isinstance(declared, django_filters.BooleanFilter) and values[-1].lower() not in _BOOLEAN_VALUES:
                errors.append({"field": name, "code": "invalid", "message": _("Use true or false.")})
        if not errors and not filterset.is_valid():
            errors = [
                {"field": field, "code": error.code or "invalid", "message": error.message % (error.params or {})}
                for field, field_errors in filterset.errors.as_data().items()
                for error in field_errors
            ]
        if errors:
            raise DomainError(errors[0]["message"], code="invalid_filter", errors=errors)
        return filterset.qs
