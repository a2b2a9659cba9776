from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles. Roles are held within the user's agency; the region-wide catalogue role reaches every agency
    in the agency's region and below (e.g. the city's 政务服务管理办公室)."""

    CATALOGUE_EDITOR = "catalogue_editor", _("Catalogue editor")
    REGION_CATALOGUE_ADMIN = "region_catalogue_admin", _("Regional catalogue administrator")
    ACCEPTOR = "acceptor", _("Acceptor")
    REVIEWER = "reviewer", _("Reviewer")
    DECIDER = "decider", _("Decider")
    SUPERVISOR = "supervisor", _("Supervisor")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    """Applicants have no agency; staff belong to exactly one agency and hold roles there."""

    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("agency")
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    def has_role(self, role: str) -> bool:
        # Roles are prefetched by the selectors that need them; the cache avoids a query per check.
        if not hasattr(self, "_role_cache"):
            self._role_cache = set(self.roles.values_list("role", flat=True)) if self.pk else set()
        return role in self._role_cache


class StaffRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="staffrole_unique")]

    def __str__(self):
        return self.get_role_display()
