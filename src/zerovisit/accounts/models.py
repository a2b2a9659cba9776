from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class Role(models.TextChoices):
    """Staff roles. Roles are held within the user's agency; the region-wide roles (catalogue administrator,
    supervisor) reach every agency in the agency's region and below (e.g. the city's 政务服务管理办公室)."""

    CATALOGUE_EDITOR = "catalogue_editor", _("Catalogue editor")
    REGION_CATALOGUE_ADMIN = "region_catalogue_admin", _("Regional catalogue administrator")
    ACCEPTOR = "acceptor", _("Acceptor")
    REVIEWER = "reviewer", _("Reviewer")
    DECIDER = "decider", _("Decider")
    SUPERVISOR = "supervisor", _("Supervisor")
    REGION_SUPERVISOR = "region_supervisor", _("Regional supervisor")
    # 三员分立 (accounts.services.separation): the third, the system administrator, is the superuser flag.
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDITOR = "auditor", _("Audit administrator")


class AssuranceLevel(models.IntegerChoices):
    """实名认证等级, as the national platform grades accounts: how sure the platform is of who holds one."""

    NONE = 0, _("Not verified")
    PHONE = 1, _("Mobile number confirmed")
    REAL_NAME = 2, _("Real name verified")
    REAL_PERSON = 3, _("Real person verified")


class User(AbstractUser):
    """Applicants have no agency; staff belong to exactly one agency and hold roles there.

    A person's account is bound to at most one verified person (the Applicant whose `user` it is, kind person):
    that binding, not what a form says, decides whom it applies as. Its mobile number, confirmed by an SMS code,
    signs it in; it is kept encrypted with a keyed hash for the lookup."""

    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("agency")
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # Where the person lives or runs their business, as they chose it in the portal: which implementation of an
    # item serves them, on every device they sign in on.
    place = models.ForeignKey(
        "org.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("place")
    )
    phone_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("mobile number"), max_length=20, blank=True, editable=False)
    assurance_level = models.PositiveSmallIntegerField(_("assurance level"), choices=AssuranceLevel.choices,
                                                       default=AssuranceLevel.NONE, editable=False)  # fmt: skip
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    def has_role(self, role: str) -> bool:
        # A user loaded for a request carries their roles (accounts.selectors.signed_in_users); any other user reads
        # them once, so that checking several roles costs at most one query.
        if not hasattr(self, "_role_cache"):
            if "role_names" in self.__dict__:
                self._role_cache = set(filter(None, (self.role_names or "").split(",")))
            else:
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


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    ORGANISATION = "organisation", _("Legal person or organisation")


class Applicant(models.Model):
    """申请人: a natural person (citizen ID number) or a legal entity (unified social credit code).

    The ID number, phone and e-mail are stored encrypted (core.crypto) with a keyed hash for exact lookup and a mask for
    display; the clear value is decrypted only where a person's task needs it.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=ApplicantKind.choices)
    name = models.CharField(_("name"), max_length=200)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    # A credit code whose check character fails (some early codes are legal yet fail it) is accepted only when staff
    # confirm it, at a window or in the admin, with a reason (accounts.services; audited as
    # applicant.credit_code_override).
    credit_code_override_reason = models.TextField(_("why the credit code was accepted"), blank=True, editable=False)
    credit_code_overridden_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                                  related_name="+", editable=False,
                                                  verbose_name=_("credit code confirmed by"))  # fmt: skip
    credit_code_overridden_at = models.DateTimeField(_("credit code confirmed"), null=True, blank=True, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    email_encrypted = models.TextField(blank=True, editable=False)
    email_masked = models.CharField(_("e-mail"), max_length=254, blank=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="applicants",
                             verbose_name=_("account"))  # fmt: skip
    # An organisation's account is its legal representative's (法定代表人): when the market-entity register confirmed
    # them (accounts.services.organisations.claim_organisation). Empty for one an administrator linked.
    representative_confirmed_at = models.DateTimeField(_("legal representative confirmed"), null=True, blank=True,
                                                       editable=False)  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], condition=models.Q(kind="person"),
                                    name="applicant_unique_person"),
            models.UniqueConstraint(fields=["credit_code"], condition=models.Q(kind="organisation"),
                                    name="applicant_unique_organisation"),
            # An account is one person: it is bound to one natural person at most.
            models.UniqueConstraint(fields=["user"], condition=models.Q(kind="person"),
                                    name="applicant_one_person_per_account"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.name}（{self.id_number_masked or self.credit_code}）"


class ProxyAuthorisation(models.Model):
    """代办授权: the applicant lets a proxy agent apply and follow cases for them, for one item or for all."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="authorisations",
                                  verbose_name=_("applicant"))  # fmt: skip
    agent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="authorisations", verbose_name=_("agent"))
    item_code = models.CharField(_("item implementation code"), max_length=31, blank=True,
                                 help_text=_("Empty: every item."))  # fmt: skip
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("proxy authorisation")
        verbose_name_plural = _("proxy authorisations")

    def __str__(self):
        return f"{self.agent} → {self.applicant}"

    def covers(self, impl_code: str, day) -> bool:
        return (
            self.revoked_at is None and self.valid_from <= day <= self.valid_until and self.item_code in ("", impl_code)
        )


class OrganisationAgent(models.Model):
    """经办人: a person the organisation's legal representative lets apply for it, for every item or the chosen
    ones, until an end date; while it runs they follow the organisation's cases of those items and see its
    licences. The agent is an account verified as a person (level 2 or more)."""

    organisation = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="agents",
                                     verbose_name=_("organisation"))  # fmt: skip
    agent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="agent_authorisations",
                              verbose_name=_("agent"))  # fmt: skip
    item_codes = models.JSONField(_("items"), default=list, blank=True,
                                  help_text=_("Implementation codes; empty: every item."))  # fmt: skip
    valid_until = models.DateField(_("valid until"))
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("revoked by"))  # fmt: skip

    class Meta:
        verbose_name = _("organisation agent")
        verbose_name_plural = _("organisation agents")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "agent"], condition=models.Q(revoked_at=None),
                                    name="one_running_agent_authorisation"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.agent} → {self.organisation}"

    def is_running(self, day) -> bool:
        return self.revoked_at is None and day <= self.valid_until

    def covers(self, impl_code: str, day) -> bool:
        return self.is_running(day) and (not self.item_codes or impl_code in self.item_codes)


class ExternalIdentity(models.Model):
    """An account's identity at an identity provider (accounts.identity_providers): the provider's issuer and its
    subject (`sub`), which sign the account in from then on. A subject belongs to one account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities",
                             verbose_name=_("user"))  # fmt: skip
    provider = models.CharField(_("identity provider"), max_length=32)
    issuer = models.CharField(_("issuer"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"))

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique")]

    def __str__(self):
        return f"{self.provider}: {self.user}"


class ApiClient(models.Model):
    """An outside system, such as a department's, that calls the API for its agency within its scopes. It signs in
    with OAuth 2.0 client credentials (`application`: its client id, and its secret kept only as a hash) and holds
    tokens that expire (accounts.services.api_clients). A client made before then keeps its bearer token
    (`Authorization: Bearer zv_…`, kept as a hash) until its credentials are issued."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="api_clients",
                               verbose_name=_("agency"))  # fmt: skip
    scopes = models.JSONField(_("scopes"), default=list)
    application = models.OneToOneField(oauth2_settings.APPLICATION_MODEL, on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="api_client", editable=False,
                                       verbose_name=_("OAuth application"))  # fmt: skip
    token_prefix = models.CharField(_("token begins"), max_length=12, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name


class CodePurpose(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign in or register")
    RESET = "reset", _("Reset the password")


class OneTimeCode(models.Model):
    """An SMS code sent to a mobile number: valid for settings.SMS_CODE_MINUTES, used once, dead after
    settings.SMS_CODE_ATTEMPTS wrong tries. Only a keyed hash of it is kept; the code itself is kept encrypted
    only until the message is sent (accounts.tasks.send_code)."""

    phone_hash = models.CharField(max_length=64, editable=False)
    phone_encrypted = models.TextField(editable=False)
    purpose = models.CharField(_("purpose"), max_length=10, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64, editable=False)
    code_encrypted = models.TextField(blank=True, editable=False)
    language = models.CharField(max_length=10, default="zh-hans", editable=False)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["phone_hash", "purpose", "-created_at"], name="code_latest")]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"
