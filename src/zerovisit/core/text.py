"""What text the platform stores: no C0 control character except tab, line feed and carriage return, and no DEL.
PostgreSQL cannot store NUL in text at all, and none of the others belongs in a name, an address or an opinion.
Requests are checked by core.middleware.InputCharactersMiddleware; files people import, with has_forbidden()."""

import re

FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_forbidden(value) -> bool:
    """Whether a string, or any key or string inside a dict or list, holds a forbidden character."""
    if isinstance(value, str):
        return bool(FORBIDDEN_CHARACTERS.search(value))
    if isinstance(value, dict):
        return any(has_forbidden(k) or has_forbidden(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_forbidden(v) for v in value)
    return False


def named_id(text: str) -> int | None:
    """The id of a row that a text from outside names (a cookie, a query parameter, a form field): ASCII digits
    that a 64-bit key can hold, else None."""
    return int(text) if text.isascii() and text.isdigit() and int(text) < 2**63 else None
