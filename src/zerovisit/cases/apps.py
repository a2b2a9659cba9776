from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zerovisit.cases"
    verbose_name = _("Cases")

    def ready(self):
        from zerovisit.workcalendar.signals import calendar_changed

        from .tasks import recount_after_calendar_change

        calendar_changed.connect(recount_after_calendar_change, dispatch_uid="cases.recount")
