import pytest

from zerovisit.core import audit
from zerovisit.core.models import AuditEntry


@pytest.mark.django_db
def test_an_untouched_chain_verifies():
    for n in range(3):
        audit.record(actor=None, action="test.action", object_type="x", object_id=str(n))
    assert audit.verify_chain() is None


@pytest.mark.django_db
def test_editing_a_past_entry_is_detected():
    first = audit.record(actor=None, action="test.action", object_id="1")
    audit.record(actor=None, action="test.action", object_id="2")
    AuditEntry.objects.filter(pk=first.pk).update(result="failed")
    assert audit.verify_chain().pk == first.pk


@pytest.mark.django_db
def test_deleting_a_past_entry_is_detected():
    first = audit.record(actor=None, action="test.action", object_id="1")
    second = audit.record(actor=None, action="test.action", object_id="2")
    first.delete()
    assert audit.verify_chain().pk == second.pk
