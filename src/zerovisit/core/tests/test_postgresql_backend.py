"""The PostgreSQL backend inserts a few rows as VALUES and many through UNNEST (zerovisit.core.postgresql)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zerovisit.core.models import HistoryAnchor
from zerovisit.core.postgresql.compiler import UNNEST_FROM_ROWS

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's own choice")


def anchors(n, start=0):
    return [HistoryAnchor(object_type="case", object_id=start + k, seq=1, head="0" * 64, state={"status": "submitted"},
                          mac="0" * 64) for k in range(n)]  # fmt: skip


@pytest.mark.django_db
def test_a_few_rows_are_inserted_as_values_and_many_through_unnest():
    with CaptureQueriesContext(connection) as few:
        HistoryAnchor.objects.bulk_create(anchors(UNNEST_FROM_ROWS - 1))
    with CaptureQueriesContext(connection) as many:
        HistoryAnchor.objects.bulk_create(anchors(UNNEST_FROM_ROWS, start=1000))
    assert "VALUES" in few[0]["sql"] and "UNNEST" not in few[0]["sql"]
    assert "UNNEST" in many[0]["sql"]
    stored = HistoryAnchor.objects.filter(object_type="case").order_by("object_id")
    assert stored.count() == 2 * UNNEST_FROM_ROWS - 1 and stored[0].state == {"status": "submitted"}
