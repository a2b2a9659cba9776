import datetime

from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zerovisit.accounts.services.separation import may_read_audit

from .models import AuditEntry, WorkerHeartbeat


class ReadOnly:
    """For rows written only by the platform itself: the admin shows them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: the log is append-only and hash-chained. Visible to the audit administrators only (三员分立,
    accounts.services.separation): not to those whose changes it records."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "result"]
    list_filter = ["action", "result"]
    search_fields = ["actor_label", "object_id", "action"]
    date_hierarchy = "at"

    def _may_read(self, request):
        return may_read_audit(request.user)

    def has_module_permission(self, request):
        return self._may_read(request)

    def has_view_permission(self, request, obj=None):
        return self._may_read(request)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: which workers and schedulers run, where, and whether they are alive. The rows are written by the
    processes themselves (core.workers)."""

    list_display = ["worker_id", "kind", "host", "pid", "started_at", "beat_at", "alive"]
    list_filter = ["kind", "host"]
    ordering = ["kind", "host", "-beat_at"]

    @admin.display(boolean=True, description=_("alive"))
    def alive(self, heartbeat):
        lost_after = datetime.timedelta(seconds=settings.WORKER_LOST_AFTER_SECONDS)
        return heartbeat.beat_at >= timezone.now() - lost_after
