"""The audit log's chain, its keyed head, the signed checkpoints, `zerovisit verify_audit` and the jobs that run it
(core.audit, core.integrity). Each way of tampering is done here as an attacker with database access would."""

import datetime
import hashlib
import json
from importlib import import_module
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.core import audit, integrity, scheduler
from zerovisit.core.models import AuditChainHead, AuditCheckpoint, AuditEntry
from zerovisit.notify.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run `fn` and what its transaction does when it commits (the checkpoint file is written then)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def entries(n: int) -> list[AuditEntry]:
    return [audit.record(actor=None, action="test.action", object_type="x", object_id=str(i)) for i in range(n)]


def rehash_from(entry: AuditEntry, **changes) -> str:
    """What an attacker without the key does: change an entry and recompute its hash, which the hash alone allows."""
    AuditEntry.objects.filter(pk=entry.pk).update(**changes)
    changed = AuditEntry.objects.get(pk=entry.pk)
    changed.hash = audit._digest(changed.prev_hash, changed)
    AuditEntry.objects.filter(pk=entry.pk).update(hash=changed.hash)
    return changed.hash


def test_an_untouched_chain_verifies():
    entries(3)
    assert audit.verify_chain() is None
    head = AuditChainHead.objects.get()
    assert head.count == 3 and head.mac


def test_editing_a_past_entry_is_detected():
    first, _second = entries(2)
    AuditEntry.objects.filter(pk=first.pk).update(result="failed")
    found = audit.verify_chain()
    assert (found.code, found.pk) == ("entry_altered", first.pk)


def test_deleting_a_past_entry_is_detected():
    first, second = entries(2)
    first.delete()
    found = audit.verify_chain()
    assert (found.code, found.pk) == ("entry_missing", second.pk)


def test_moving_an_entrys_time_is_detected():
    first, _second, _third = entries(3)
    AuditEntry.objects.filter(pk=first.pk).update(at=first.at.replace(year=first.at.year - 1))
    found = audit.verify_chain()
    assert (found.code, found.pk) == ("entry_altered", first.pk)


def test_rewriting_the_newest_entry_and_its_hash_is_detected():
    *_, last = entries(3)
    rehash_from(last, result="failed")
    found = audit.verify_chain()
    assert (found.code, found.pk) == ("entry_rewritten", last.pk)


def test_rewriting_the_newest_entry_and_the_head_is_detected_without_the_key():
    *_, last = entries(3)
    new_hash = rehash_from(last, detail={"hidden": True})
    AuditChainHead.objects.update(last_hash=new_hash)
    assert audit.verify_chain().code == "head_forged"


def test_deleting_the_newest_entries_is_detected():
    entries(5)
    AuditEntry.objects.filter(pk__in=AuditEntry.objects.order_by("-id").values("pk")[:2]).delete()
    found = audit.verify_chain()
    assert found.code == "entries_deleted" and "3" in found.message and "5" in found.message


def test_deleting_the_newest_entries_and_setting_the_head_back_is_detected():
    kept = entries(3)[-1]
    entries(2)
    AuditEntry.objects.filter(pk__gt=kept.pk).delete()
    AuditChainHead.objects.update(last_hash=kept.hash, count=3)
    assert audit.verify_chain().code == "head_forged"


def test_the_next_entry_does_not_make_a_forged_head_look_genuine():
    kept = entries(3)[-1]
    entries(2)
    AuditEntry.objects.filter(pk__gt=kept.pk).delete()
    AuditChainHead.objects.update(last_hash=kept.hash, count=3)
    audit.record(actor=None, action="test.later")
    found = audit.verify_chain()
    assert found.code == "head_forged"
    assert AuditEntry.objects.get(pk=found.pk).detail["count"] == 3


def test_an_entry_added_without_the_key_is_detected():
    *_, last = entries(2)
    forged = AuditEntry(at=last.at, actor_label="system", action="test.forged", prev_hash=last.hash)
    forged.hash = audit._digest(last.hash, forged)
    forged.save()
    assert audit.verify_chain().code == "entries_unanchored"


def test_a_head_set_back_to_a_genuine_copy_is_caught_by_a_later_checkpoint():
    entries(3)
    saved = AuditChainHead.objects.values("last_hash", "count", "mac").get()
    kept = AuditEntry.objects.order_by("-id").first()
    entries(2)
    audit.write_checkpoint()
    AuditEntry.objects.filter(pk__gt=kept.pk).delete()
    AuditChainHead.objects.update(**saved)
    assert audit.verify_chain().code == "entries_deleted"
    assert integrity.quick_check().breaks[0].code == "entries_deleted"


def test_another_key_fails_what_this_key_made(settings):
    entries(2)
    settings.AUDIT_KEY = "another-key"
    assert audit.verify_chain().code == "head_forged"


# -- checkpoints ---------------------------------------------------------------------------------------------


def test_checkpoints_chain_and_the_newest_is_kept_outside_the_database(settings, committed):
    entries(2)
    first, second = committed(audit.write_checkpoint), committed(audit.write_checkpoint)
    assert second.prev_mac == first.mac and second.audit_count == 2
    kept = json.loads(settings.AUDIT_CHECKPOINT_FILE.read_text())
    assert kept == {"seq": 2, "at": audit.utc(second.at), "mac": second.mac}
    assert settings.AUDIT_CHECKPOINT_FILE.stat().st_mode & 0o777 == 0o600
    assert audit.check_all().intact


def test_deleting_the_newest_checkpoint_is_detected(committed):
    committed(audit.write_checkpoint)
    committed(audit.write_checkpoint).delete()
    assert [b.code for b in integrity.quick_check().breaks] == ["checkpoints_deleted"]


def test_deleting_the_newest_checkpoint_and_the_checkpoint_file_is_detected(settings, committed):
    entries(2)
    committed(audit.write_checkpoint)
    committed(audit.write_checkpoint).delete()
    settings.AUDIT_CHECKPOINT_FILE.unlink()
    assert audit.check_all().intact  # a checkpoint just made may not have its file yet
    later = timezone.now() + datetime.timedelta(hours=1)
    with mock.patch.object(timezone, "now", lambda: later):
        assert [b.code for b in audit.check_all().breaks] == ["checkpoint_file_missing"]


def test_deleting_the_whole_history_with_its_checkpoints_is_detected(committed):
    entries(3)
    committed(audit.write_checkpoint)
    AuditCheckpoint.objects.all().delete()
    AuditEntry.objects.all().delete()
    AuditChainHead.objects.all().delete()
    assert [b.code for b in audit.check_all().breaks] == ["checkpoints_deleted"]


def test_deleting_an_old_checkpoint_or_changing_one_is_detected():
    first, second, _third = (audit.write_checkpoint() for _ in range(3))
    AuditCheckpoint.objects.filter(pk=second.pk).update(audit_count=99)
    assert integrity.quick_check().breaks[0].code == "checkpoint_forged"
    first.delete()
    assert integrity.quick_check().breaks[0].code == "checkpoint_missing"


# -- the command and the jobs --------------------------------------------------------------------------------


def test_verify_audit_says_intact_and_can_sign_a_checkpoint(capsys):
    entries(2)
    call_command("verify_audit", "--checkpoint", "--chunk-size", "1")
    out = capsys.readouterr().out
    assert "intact" in out and ": 2" in out
    assert AuditCheckpoint.objects.get().audit_count == 2


def test_verify_audit_fails_with_a_report_when_the_log_was_tampered_with(capsys):
    first, _second = entries(2)
    AuditEntry.objects.filter(pk=first.pk).update(action="test.other")
    with pytest.raises(CommandError):
        call_command("verify_audit", "--checkpoint")
    out = capsys.readouterr().out
    assert "BROKEN [entry_altered]" in out and f"{first.pk}" in out
    assert not AuditCheckpoint.objects.exists()  # nothing is signed over a broken log


def test_verify_audit_exits_non_zero_from_the_shell():
    from django.core.management import ManagementUtility

    entries(1)
    AuditEntry.objects.update(result="failed")
    with pytest.raises(SystemExit) as exit_status:
        ManagementUtility(["zerovisit", "verify_audit"]).execute()
    assert exit_status.value.code == 1


def test_the_daily_job_alerts_the_security_and_audit_administrators_in_their_language(settings):
    security = UserFactory(roles=[Role.SECURITY_ADMIN])
    auditor = UserFactory(roles=[Role.AUDITOR])
    UserFactory(roles=[Role.SUPERVISOR])
    UserFactory(is_superuser=True)  # alerted only where there is no security or audit administrator
    first, _second = entries(2)
    AuditEntry.objects.filter(pk=first.pk).update(result="failed")
    report = integrity.verify_and_alert()
    assert not report.intact
    messages = Message.objects.filter(event="security.audit_failed")
    assert sorted(messages.values_list("recipient_id", flat=True)) == sorted([security.pk, auditor.pk])
    message = messages.get(recipient=security)
    assert message.title == "审计记录校验未通过" and str(first.pk) in message.body
    assert AuditEntry.objects.filter(action="audit.verify", result="failed").exists()
    assert not AuditCheckpoint.objects.exists()


def test_without_a_security_administrator_the_superusers_are_alerted():
    admin = UserFactory(is_superuser=True)
    AuditChainHead.objects.update_or_create(pk=1, defaults={"count": 4, "last_hash": "f" * 64, "mac": "forged"})
    integrity.checkpoint_and_alert()
    assert Message.objects.get(event="security.audit_failed").recipient_id == admin.pk


def test_the_daily_job_signs_a_checkpoint_when_everything_is_intact():
    entries(1)
    assert integrity.verify_and_alert().intact
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.audit_count == 2  # the check records itself, inside what it signs
    assert not Message.objects.filter(event="security.audit_failed").exists()
    assert audit.check_all().intact


def test_the_scheduler_runs_the_verification_daily_and_checkpoints_hourly():
    jobs = {job.name: job for job in scheduler.JOBS}
    assert jobs["verify-audit"].every.days == 1 and jobs["checkpoint-audit"].every.seconds == 3600
    from django.utils.module_loading import import_string

    assert import_string(jobs["verify-audit"].task).call() == 0
    assert import_string(jobs["checkpoint-audit"].task).call() == 0
    assert AuditCheckpoint.objects.count() == 2


# -- records made before the log was keyed -------------------------------------------------------------------


def test_the_migration_keys_an_existing_log_and_says_whether_it_was_intact():
    migration = import_module("zerovisit.core.migrations.0004_anchor_existing_history")
    made = entries(3)
    prev = audit.GENESIS
    for entry in made:  # as the log was before: time not hashed, head without count or MAC
        entry.prev_hash = prev
        fields = [prev, entry.actor_id, entry.actor_label, entry.action, entry.object_type, entry.object_id,
                  entry.result, entry.detail]  # fmt: skip
        entry.hash = hashlib.sha256(
            json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str).encode()
        ).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=entry.prev_hash, hash=entry.hash)
        prev = entry.hash
    AuditChainHead.objects.update(last_hash=prev, count=0, mac="")
    assert audit.verify_chain() is not None
    migration.rehash_audit_log(apps, None)
    assert audit.verify_chain() is None
    note = AuditEntry.objects.order_by("-id").first()
    assert note.action == "audit.keyed" and note.detail["old_chain_intact"] is True


# -- exports -------------------------------------------------------------------------------------------------


def test_downloading_the_courier_ledger_is_recorded(client):
    from zerovisit.accounts.tests.factories import editor
    from zerovisit.org.tests.factories import AgencyFactory

    supervisor = editor(AgencyFactory(), role=Role.SUPERVISOR)
    client.force_login(supervisor)
    assert client.get("/workbench/ledger/?year=2026").status_code == 200
    assert not AuditEntry.objects.filter(action="data.export").exists()  # looking is not exporting
    response = client.get("/workbench/ledger/?year=2026&format=xlsx")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="data.export")
    assert (entry.actor_id, entry.object_type) == (supervisor.pk, "delivery.ledger")
    assert entry.detail == {"rows": 0, "year": 2026, "format": "xlsx", "agency": supervisor.agency_id}


def test_exporting_the_catalogue_through_the_api_is_recorded():
    from rest_framework.test import APIClient

    from zerovisit.accounts.tests.factories import editor
    from zerovisit.org.tests.factories import AgencyFactory

    api = APIClient()
    user = editor(AgencyFactory())
    api.force_authenticate(user)
    assert api.get("/api/v1/exports/?format=csv").status_code == 200
    entry = AuditEntry.objects.get(action="data.export")
    assert (entry.actor_id, entry.object_type, entry.detail) == (user.pk, "catalog.serviceitem",
                                                                 {"rows": 0, "format": "csv"})  # fmt: skip
