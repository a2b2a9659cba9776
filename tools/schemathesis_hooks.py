"""schemathesis hooks for tools/api_fuzz.py.

The API refuses control characters in every string it takes, and its schema says so with a pattern on each
string. OpenAPI 3.0 has no way to say the same of property names (nor of the strings inside a free-form JSON
object), so requests meant to be valid that carry one there are not generated: the refusal itself is tested in
core/tests/test_input_characters.py, and negative requests keep testing it here.
"""

import re

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


@schemathesis.hook
def filter_case(context, case):
    meta = getattr(case, "_meta", None)
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return True
    return not any(_holds_forbidden(part) for part in (case.body, case.query, case.path_parameters))
