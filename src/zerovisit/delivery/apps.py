from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "zerovisit.delivery"
    verbose_name = _("Government-paid courier")
