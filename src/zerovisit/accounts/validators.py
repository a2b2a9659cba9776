from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Passwords mix at least three of: lower case, upper case, digits, other characters (等保 password strength)."""

    classes = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())

    def validate(self, password, user=None):
        used = sum(any(test(c) for c in password) for test in self.classes)
        if used < 3:
            raise ValidationError(
                _("The password must mix at least three of: lower case, upper case, digits and symbols."),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Your password must mix at least three of: lower case, upper case, digits and symbols.")
