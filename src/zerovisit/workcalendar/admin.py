"""Administrators keep the calendar current (the State Council publishes next year's schedule each November).
Every save goes through services.calendar_changed so all processes rebuild their calendar and it is audited."""

from django.contrib import admin

from . import services
from .models import CalendarYear, SpecialDay


class CalendarAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.calendar_changed(actor=request.user, action=f"workcalendar.{obj._meta.model_name}.save", obj=obj)

    def delete_model(self, request, obj):
        services.calendar_changed(actor=request.user, action=f"workcalendar.{obj._meta.model_name}.delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdmin):
    list_display = ["year", "source", "notice", "updated_at"]


@admin.register(SpecialDay)
class SpecialDayAdmin(CalendarAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]
