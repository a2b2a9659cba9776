from django.db import models
from django.utils.translation import gettext_lazy as _

from zerovisit.accounts.models import Role


class ProcessKind(models.TextChoices):
    INSTANT = "instant", _("Instant (即办)")
    PROMISED = "promised", _("Promised (承诺)")
    COMMITMENT = "commitment", _("Notification and commitment (告知承诺)")
    FILING = "filing", _("Filing (备案)")
    JOINT = "joint", _("Joint review (并联审批)")


class StageAction(models.TextChoices):
    ACCEPT_DECIDE = "accept_decide", _("Accept and decide on the spot")
    ACCEPT = "accept", _("Acceptance")
    REVIEW = "review", _("Review")
    JOINT_REVIEW = "joint_review", _("Parallel review by several agencies")
    DECIDE = "decide", _("Decision")
    FILE = "file", _("Filing receipt")
    POST_VERIFY = "post_verify", _("Post-verification")


# Who may act at each kind of stage (the separation of duties itself is the case lifecycle's to enforce).
STAGE_ROLES = {
    StageAction.ACCEPT_DECIDE: {Role.ACCEPTOR},
    StageAction.ACCEPT: {Role.ACCEPTOR},
    StageAction.REVIEW: {Role.REVIEWER},
    StageAction.JOINT_REVIEW: {Role.REVIEWER},
    StageAction.DECIDE: {Role.DECIDER},
    StageAction.FILE: {Role.ACCEPTOR},
    StageAction.POST_VERIFY: {Role.REVIEWER, Role.SUPERVISOR},
}

# The stages each kind allows, in order: a pattern over the stage actions, and the same for people to read.
SHAPES = {
    ProcessKind.INSTANT: (r"accept_decide", "accept_decide"),
    ProcessKind.PROMISED: (r"accept( review){1,3} decide", "accept, review (1–3 levels), decide"),
    ProcessKind.COMMITMENT: (r"accept decide post_verify", "accept, decide, post_verify"),
    ProcessKind.FILING: (r"accept file", "accept, file"),
    ProcessKind.JOINT: (r"accept joint_review( review){0,2} decide", "accept, joint_review, review (0–2), decide"),
}


class ProcessTemplate(models.Model):
    """How an item's cases go from application to result: ordered stages, each with the role that acts and its
    share of the promised time limit. Kept as data so every agency authors processes the same way."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=ProcessKind.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("process template")
        verbose_name_plural = _("process templates")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name


class ProcessStage(models.Model):
    template = models.ForeignKey(
        ProcessTemplate, on_delete=models.CASCADE, related_name="stages", verbose_name=_("template")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    action = models.CharField(_("action"), max_length=16, choices=StageAction.choices)
    name = models.CharField(_("name"), max_length=50, help_text=_("As the applicant sees it, e.g. 初审"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    share = models.PositiveSmallIntegerField(
        _("share of the time limit (%)"),
        default=0,
        help_text=_("Percent of the promised limit this stage may use; the stages within the limit add up to 100."),
    )
    agencies = models.ManyToManyField(
        "org.Agency",
        blank=True,
        related_name="+",
        verbose_name=_("agencies"),
        help_text=_("For a parallel review: the agencies that review at once."),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="stage_unique_order")]

    def __str__(self):
        return self.name


def structure_errors(kind: str, stages: list[ProcessStage], agency_counts: list[int]) -> list[str]:
    """Every way the stages break their kind's shape, their roles, their shares or a parallel stage's agencies.
    `agency_counts[i]` is the number of agencies of stages[i] (they may not be saved yet)."""
    import re

    errors = []
    actions = " ".join(stage.action for stage in stages)
    pattern, shape = SHAPES[kind]
    if not re.fullmatch(pattern, actions):
        errors.append(
            _("A %(kind)s process has the stages “%(shape)s”, not “%(actions)s”.")
            % {"kind": ProcessKind(kind).label, "shape": shape, "actions": actions.replace(" ", ", ") or "—"}
        )
    for stage, agencies in zip(stages, agency_counts, strict=True):
        if stage.role not in STAGE_ROLES.get(stage.action, set()):
            errors.append(_("Stage “%(name)s” cannot be done by this role.") % {"name": stage.name})
        if stage.action == StageAction.JOINT_REVIEW and agencies < 2:
            errors.append(_("The parallel review “%(name)s” needs at least two agencies.") % {"name": stage.name})
        if stage.action != StageAction.JOINT_REVIEW and agencies:
            errors.append(_("Only a parallel review names agencies (stage “%(name)s”).") % {"name": stage.name})
    within = [s.share for s in stages if s.action != StageAction.POST_VERIFY]
    if sum(within) != 100:
        errors.append(_("The stages' shares of the time limit add up to %(sum)s%%, not 100%%.") % {"sum": sum(within)})
    if any(s.share for s in stages if s.action == StageAction.POST_VERIFY):
        errors.append(_("Post-verification comes after the decision and takes no share of the time limit."))
    return errors
