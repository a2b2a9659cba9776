from django.contrib import admin

from zerovisit.accounts.models import Role

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only and hash-chained. Visible to auditors and security administrators."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "result"]
    list_filter = ["action", "result"]
    search_fields = ["actor_label", "object_id", "action"]
    date_hierarchy = "at"

    def _may_read(self, request):
        user = request.user
        if not user.is_authenticated:
            return False
        return user.is_superuser or user.has_role(Role.AUDITOR) or user.has_role(Role.SECURITY_ADMIN)

    def has_module_permission(self, request):
        return self._may_read(request)

    def has_view_permission(self, request, obj=None):
        return self._may_read(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
