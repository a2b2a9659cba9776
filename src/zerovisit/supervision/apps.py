from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "zerovisit.supervision"
    verbose_name = _("Supervision")
