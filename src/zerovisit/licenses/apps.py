from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "zerovisit.licenses"
    verbose_name = _("Electronic licences")

    def ready(self):
        from . import signals  # noqa: F401
