"""schemathesis hooks for tools/api_fuzz.py.

The API refuses control characters in every string it takes, and its schema says so with a pattern on each
string. OpenAPI 3.0 has no way to say the same of property names (nor of the strings inside a free-form JSON
object), so requests meant to be valid that carry one there are not generated: the refusal itself is tested in
core/tests/test_input_characters.py, and negative requests keep testing it here.

A query too long for gunicorn's request line (4,094 bytes) is refused by the server with 414 before it reaches the
application, so such requests, positive or negative, test nothing of the API and are not sent.
"""

import re
from urllib.parse import quote, urlencode

import schemathesis
from schemathesis.generation import GenerationMode

FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _holds_forbidden(value) -> bool:
    if isinstance(value, str):
        return bool(FORBIDDEN.search(value))
    if isinstance(value, dict):
        return any(_holds_forbidden(k) or _holds_forbidden(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_forbidden(v) for v in value)
    return False


REQUEST_LINE_LIMIT = 4094


def _too_long(case) -> bool:
    query = urlencode(case.query or {}, doseq=True, quote_via=quote)
    return len(case.formatted_path) + len(query) + 100 > REQUEST_LINE_LIMIT  # the method, host part and HTTP/1.1


@schemathesis.hook
def filter_case(context, case):
    if _too_long(case):
        return False
    meta = getattr(case, "_meta", None)
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return True
    return not any(_holds_forbidden(part) for part in (case.body, case.query, case.path_parameters))
