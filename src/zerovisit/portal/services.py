"""Changes the portal makes of its own data."""

from django.db.models import F

from .models import ServiceApp


def record_app_use(app: ServiceApp) -> None:
    """Count one opening of a service app (the directory's usage figures); one UPDATE, no lost counts."""
    ServiceApp.objects.filter(pk=app.pk).update(uses=F("uses") + 1)
