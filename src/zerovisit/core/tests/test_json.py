"""The API's JSON renderer (core.renderers.JSONRenderer): orjson's speed with DRF's output."""

import datetime
import decimal
import json

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFRenderer

from zerovisit.core.renderers import JSONRenderer

DATA = {
    "name": "徐州市行政审批局",
    "lazy": gettext_lazy("Approved"),
    "amount": decimal.Decimal("12.50"),
    "day": datetime.date(2026, 12, 2),
    "separators": "line\u2028paragraph\u2029end",
    "nested": [{"n": 1, "none": None, "yes": True}],
}


def test_it_writes_what_drfs_renderer_writes():
    ours, drfs = JSONRenderer().render(DATA), DRFRenderer().render(DATA)
    assert json.loads(ours) == json.loads(drfs)
    assert "徐州市".encode() in ours  # UTF-8, not \\u escapes


def test_line_and_paragraph_separators_are_escaped_as_drf_does():
    body = JSONRenderer().render(DATA)
    assert b"\\u2028" in body and b"\\u2029" in body and "\u2028".encode() not in body


def test_an_indented_answer_asked_for_is_indented():
    body = JSONRenderer().render(DATA, "application/json; indent=2")
    assert body.startswith(b'{\n  "')
