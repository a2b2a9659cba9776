from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "zerovisit.feedback"
    verbose_name = _("Evaluations (好差评)")
