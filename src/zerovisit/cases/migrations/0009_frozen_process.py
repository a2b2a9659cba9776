"""Each case keeps the whole process it was filed under (stages, roles, shares, a parallel review's agencies),
instead of the roles only; and the digest of the application sent with an idempotency key.

Existing cases take their template as it is now, with the roles they kept. Their history anchors named the
roles' digest; each anchor whose MAC still holds is moved to the new state (the process's digest) under a new
MAC, so verify_audit keeps trusting what it trusted and still reports what it reported.
"""

import hashlib
import json

from django.db import migrations, models


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def moved_anchor(case_id: int, seq: int, head: str, state: dict, anchor_mac: str, process: dict):
    """(state, MAC) of an anchor moved from the roles' digest to the process's, or None for an anchor whose MAC
    does not hold (left as it is: verify_audit reports it)."""
    from zerovisit.core.audit import mac, same

    if not same(anchor_mac, mac("history", "case", case_id, seq, head, state)):
        return None
    state = {k: v for k, v in state.items() if k != "stage_roles"}
    state.update(process=_digest(process), request_digest="")
    return state, mac("history", "case", case_id, seq, head, state)


def freeze_processes(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    ProcessStage = apps.get_model("catalog", "ProcessStage")
    HistoryAnchor = apps.get_model("core", "HistoryAnchor")
    templates = {}
    for stage in ProcessStage.objects.select_related("template").prefetch_related("agencies").order_by("order"):
        template = templates.setdefault(stage.template_id, {
            "code": stage.template.code, "name": stage.template.name, "kind": stage.template.kind, "stages": [],
        })  # fmt: skip
        template["stages"].append({
            "order": stage.order, "action": stage.action, "name": stage.name, "role": stage.role,
            "share": stage.share, "agencies": sorted(a.pk for a in stage.agencies.all()),
        })  # fmt: skip
    Joint = Case.joint_agencies.through
    for case in Case.objects.only("pk", "process_template_id", "stage_roles").iterator(chunk_size=2000):
        process = json.loads(json.dumps(templates.get(case.process_template_id, {"stages": []})))
        if len(case.stage_roles) == len(process["stages"]):
            for stage, role in zip(process["stages"], case.stage_roles, strict=True):
                stage["role"] = role
        Case.objects.filter(pk=case.pk).update(process=process)
        agencies = {a for stage in process["stages"] for a in stage["agencies"]}
        Joint.objects.bulk_create([Joint(case_id=case.pk, agency_id=a) for a in agencies])
        anchor = HistoryAnchor.objects.filter(object_type="case", object_id=case.pk).first()
        moved = anchor and moved_anchor(case.pk, anchor.seq, anchor.head, anchor.state, anchor.mac, process)
        if moved:
            anchor.state, anchor.mac = moved
            anchor.save(update_fields=["state", "mac"])


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0008_private_files"),
        ("catalog", "0001_initial"),
        ("core", "0005_rate_counter"),
        ("org", "0003_seal_sm2"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="joint_agencies",
            field=models.ManyToManyField(blank=True, editable=False, related_name="joint_cases", to="org.agency"),
        ),
        migrations.AddField(
            model_name="case",
            name="process",
            field=models.JSONField(default=dict, editable=False, verbose_name="process as filed"),
        ),
        migrations.AddField(
            model_name="case",
            name="request_digest",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(freeze_processes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="case", name="stage_roles"),
    ]
