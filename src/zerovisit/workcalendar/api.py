"""/api/v1/calendar/: working-day arithmetic for other systems and the pages' scripts. Public and read-only."""

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from zerovisit.core.errors import DomainError

from .calendar import OutOfRange
from .models import CalendarYear, SpecialDay
from .selectors import work_calendar


class AddQuery(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(min_value=0, max_value=3650)


class CountQuery(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)


class DueSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    due = serializers.DateField()
    estimated = serializers.BooleanField()


class CountSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    working_days = serializers.IntegerField()
    estimated = serializers.BooleanField()


class SpecialDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    name = serializers.CharField()


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    official = serializers.BooleanField()
    days = SpecialDaySerializer(many=True)


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _calendar_answer(compute):
    try:
        return compute()
    except OutOfRange as exc:
        raise DomainError(str(exc), code="out_of_range") from exc


class AddView(APIView):
    """The date `days` working days after `start` (the start day is not counted; the result is a working day).
    `estimated` is true when a year on the way has no official schedule yet (Monday–Friday assumed)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[AddQuery], responses=DueSerializer)
    def get(self, request):
        q = _query(AddQuery, request)
        due = _calendar_answer(lambda: work_calendar().add(q["start"], q["days"]))
        return Response(DueSerializer({**q, "due": due.date, "estimated": due.estimated}).data)


class CountView(APIView):
    """Working days after `start` up to and including `end`."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[CountQuery], responses=CountSerializer)
    def get(self, request):
        q = _query(CountQuery, request)
        if q["end"] < q["start"]:
            raise DomainError(_("The end must not be before the start."), code="end_before_start")
        count = _calendar_answer(lambda: work_calendar().count(q["start"], q["end"]))
        return Response(CountSerializer({**q, "working_days": count.days, "estimated": count.estimated}).data)


class YearView(APIView):
    """A year's days that differ from Monday–Friday, and whether its official schedule is loaded."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[YearQuery], responses=YearSerializer)
    def get(self, request):
        year = _query(YearQuery, request)["year"]
        days = SpecialDay.objects.filter(date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31))
        return Response(
            {
                "year": year,
                "official": CalendarYear.objects.filter(year=year).exists(),
                "days": list(days.values("date", "is_workday", "name")),
            }
        )
