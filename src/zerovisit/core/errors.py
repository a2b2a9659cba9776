"""Domain errors: raised by services, turned into one error shape by the API and into messages by the pages."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused use case. `code` is machine-readable and stable; `message` is for people (translated)."""

    code = "invalid"
    status = 400
    default_message = _("The request cannot be carried out.")

    def __init__(self, message=None, *, code: str | None = None, errors: list[dict] | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.errors = errors or []
        super().__init__(str(self.message))


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You may not do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("Someone else changed this at the same time; reload and try again.")


def show_on_form(form, error: DomainError, fields_by_code: dict[str, str] | None = None) -> None:
    """A refusal shown on the form that was sent, at the field concerned where known: each of `error.errors`
    names its field (materials.<id> is the form's material_<id>, delivery.<x> its delivery_<x>); without them the
    error's code may name one (`fields_by_code`). Anything else is said above the form."""
    fields_by_code = fields_by_code or {}
    for problem in error.errors or [{"field": fields_by_code.get(error.code), "message": str(error.message)}]:
        field = (problem.get("field") or "").replace("materials.", "material_").replace("delivery.", "delivery_")
        form.add_error(field if field in form.fields else None, problem["message"])
