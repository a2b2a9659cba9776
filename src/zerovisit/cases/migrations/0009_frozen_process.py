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
    """In bulk: one UPDATE per (template, roles) the cases have, and the anchors in chunks."""
    Case = apps.get_model("cases", "Case")
    ProcessTemplate = apps.get_model("catalog", "ProcessTemplate")
    HistoryAnchor = apps.get_model("core", "HistoryAnchor")
    templates = {
        t.pk: {"code": t.code, "name": t.name, "kind": t.kind, "stages": [
            {"order": s.order, "action": s.action, "name": s.name, "role": s.role, "share": s.share,
             "agencies": sorted(a.pk for a in s.agencies.all())}
            for s in sorted(t.stages.all(), key=lambda s: s.order)
        ]}
        for t in ProcessTemplate.objects.prefetch_related("stages__agencies")
    }  # fmt: skip

    def frozen(template_id, roles) -> dict:
        process = json.loads(json.dumps(templates[template_id]))
        if len(roles) == len(process["stages"]):  # the roles the case kept, where they still fit
            for stage, role in zip(process["stages"], roles, strict=True):
                stage["role"] = role
        return process

    Joint = Case.joint_agencies.through
    groups = Case.objects.order_by().values_list("process_template_id", "stage_roles").distinct()
    for template_id, roles in list(groups):
        process = frozen(template_id, roles)
        same = Case.objects.filter(process_template_id=template_id, stage_roles=roles)
        same.update(process=process)
        agencies = sorted({a for stage in process["stages"] for a in stage["agencies"]})
        if agencies:
            for chunk in _chunks(same.values_list("pk", flat=True).iterator(chunk_size=2000)):
                Joint.objects.bulk_create([Joint(case_id=pk, agency_id=a) for pk in chunk for a in agencies])
    anchors = HistoryAnchor.objects.filter(object_type="case").order_by("pk")
    for chunk in _chunks(anchors.iterator(chunk_size=2000)):
        processes = dict(Case.objects.filter(pk__in=[a.object_id for a in chunk]).values_list("pk", "process"))
        moved = []
        for anchor in chunk:
            result = anchor.object_id in processes and moved_anchor(
                anchor.object_id, anchor.seq, anchor.head, anchor.state, anchor.mac, processes[anchor.object_id]
            )
            if result:
                anchor.state, anchor.mac = result
                moved.append(anchor)
        HistoryAnchor.objects.bulk_update(moved, ["state", "mac"])


def _chunks(iterable, size=2000):
    chunk = []
    for element in iterable:
        chunk.append(element)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
