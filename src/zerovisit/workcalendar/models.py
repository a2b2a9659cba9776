from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose official schedule (放假安排) is loaded. Other years count Monday to Friday, flagged."""

    class Source(models.TextChoices):
        CHINESECALENDAR = "chinesecalendar", _("chinesecalendar package")
        IMPORT = "import", _("Imported schedule")
        ADMIN = "admin", _("Entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    notice = models.CharField(
        _("official notice"), max_length=200, blank=True, help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class SpecialDay(models.Model):
    """A day that differs from Monday–Friday: a holiday on a weekday, or a working weekend (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 国庆节, or 国庆节调休上班"))

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class CalendarVersion(models.Model):
    """One row whose number changes with every change of the calendar, so each process knows when to rebuild
    its in-memory calendar without rereading it on every call."""

    number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return str(self.number)
