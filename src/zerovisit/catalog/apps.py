from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "zerovisit.catalog"
    verbose_name = _("Service catalogue")

    def ready(self):
        from . import bundles  # noqa: F401  (it follows power transfers)
