"""Shared API pieces: pagination and the one error shape of every /api/v1/ response.

Every error body is {"code": "...", "message": "...", "errors": [{"field": ..., "code": ..., "message": ...}]}.
"""

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


class Pagination(PageNumberPagination):
    """Pages of 20 by default; `page_size` from 1 to 100 and `page` a whole number from 1, any other value refused
    (rather than quietly replaced by the default, the maximum or the first page)."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (_is_whole_number(value) and 1 <= int(value) <= self.max_page_size):
            message = _("page_size must be a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
            raise invalid_parameter(self.page_size_query_param, "invalid_page_size", message)
        return int(value)

    def get_page_number(self, request, paginator):
        """A page past the last one stays DRF's 404; an empty, negative or worded page (DRF takes 'last') is 400."""
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        if not (_is_whole_number(value) and int(value) >= 1):
            raise invalid_parameter(self.page_query_param, "invalid_page", _("page must be a whole number from 1."))
        return int(value)

    def paginate_queryset(self, queryset, request, view=None, count: int | None = None):
        """As DRF's, with the count of `queryset` given when it is known some cheaper way than counting it."""
        self.django_paginator_class = functools.partial(_Paginator, count=count) if count is not None else Paginator
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


class _Paginator(Paginator):
    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.count = count  # instead of the cached property that counts object_list


def _is_whole_number(value):
    return value.isascii() and value.isdigit()


def invalid_parameter(field, code, message) -> DomainError:
    """The error of a query parameter given a value it cannot take, naming the parameter."""
    return DomainError(message, code=code, errors=[{"field": field, "code": "invalid", "message": message}])


def _flatten(detail, field=None):
    """DRF error details (nested dicts and lists) as a flat list of {field, code, message}."""
    if isinstance(detail, dict):
        return [e for key, value in detail.items() for e in _flatten(value, key if field is None else f"{field}.{key}")]
    if isinstance(detail, list):
        return [e for item in detail for e in _flatten(item, field)]
    return [{"field": field, "code": getattr(detail, "code", "invalid"), "message": str(detail)}]


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "message": str(exc.message), "errors": exc.errors}
        return Response(body, status=exc.status)
    if isinstance(exc, exceptions.AuthenticationFailed) and _sent_bearer(context["request"]):
        # RFC 6750 §3.1: a bearer token that is not (or no longer) good is answered 401 with the challenge that
        # tells an app to refresh or ask again, whichever authentication the view names first.
        body = {"code": "invalid_token", "message": str(exc.detail), "errors": []}
        return Response(body, status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        response.data = {"code": "invalid", "message": errors[0]["message"] if errors else "", "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"code": getattr(detail, "code", "error"), "message": str(detail), "errors": []}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["code"] = "not_authenticated"
    return response


def _sent_bearer(request) -> bool:
    return request is not None and request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "


class CleanJSONField(serializers.JSONField):
    """A JSON value with no control character in any string or key. JSON that arrives inside a form field is
    parsed only here, after the middleware has seen its text, and PostgreSQL cannot store NUL even in jsonb."""

    default_error_messages = {"invalid_characters": _("Remove the control characters (such as NUL) from %(where)s.")}

    def to_internal_value(self, data):
        from .text import FORBIDDEN_CHARACTERS

        value = super().to_internal_value(data)
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and FORBIDDEN_CHARACTERS.search(item):
                self.fail("invalid_characters", where=self.field_name)
        return value


class TextField(serializers.CharField):
    """Text and only text: DRF's CharField also takes a number and keeps its digits (an answer `0` is no answer)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
