"""The demo data loads through the real importer, covers what the demo promises, and loads twice unchanged."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from zerovisit.catalog.models import ItemType, ServiceItem
from zerovisit.catalog.models.process import structure_errors
from zerovisit.catalog.selectors import catalogue_summary, search_items
from zerovisit.org.models import Agency, Region


@pytest.mark.django_db
def test_the_demo_loads_completely_and_idempotently(capsys):
    call_command("load_demo", verbosity=0)
    assert ServiceItem.objects.published().count() >= 300
    assert Agency.objects.count() >= 45
    assert not Agency.objects.filter(items__isnull=True).exists()  # every agency has items
    assert Region.objects.filter(is_functional_zone=True).count() == 2
    assert Region.objects.filter(code__startswith="3203", level=4, is_functional_zone=False).count() == 10
    used_types = set(ServiceItem.objects.values_list("item_type", flat=True))
    assert used_types == set(ItemType.objects.values_list("code", flat=True))
    assert catalogue_summary()["zero_visit_share"] > 95
    for name in (
        "食品经营许可",
        "公共场所卫生许可",
        "不动产",
        "建设工程施工许可",
        "道路货物运输经营许可",
        "户口迁移",
        "护照",
        "社会保险",
        "提取住房公积金",
    ):
        assert ServiceItem.objects.filter(name__contains=name).exists(), name
    assert all("营业执照" in item.name for item in search_items("yyzz")[0:10])
    joint = ServiceItem.objects.filter(process_template__kind="joint").first().process_template
    stages = list(joint.stages.all())
    assert structure_errors(joint.kind, stages, [s.agencies.count() for s in stages]) == []

    from zerovisit.cases import events
    from zerovisit.cases.models import Case
    from zerovisit.supervision.services import rollup_differences

    own = Case.objects.filter(submitted_by__username="zhangsan", idempotency_key__in=["demo-1", "demo-2"])
    assert sorted(own.values_list("status", flat=True)) == ["accepted", "submitted"]
    from zerovisit.catalog.models import PowerTransfer

    pizhou = Agency.objects.get(name="邳州市行政审批局")
    moved = ServiceItem.objects.published().filter(agency=pizhou, transferred_from__name__startswith="邳州市")
    assert moved.count() >= 20 and moved.values("transferred_from").distinct().count() == 4
    older = Case.objects.get(idempotency_key="demo-pizhou")
    assert older.agency.name == "邳州市民政局" and older.item.status == "superseded", "filed before: stays"
    delegation = PowerTransfer.objects.get(document_number="徐政发〔2026〕31号")
    assert delegation.carried_out_at is None and delegation.items.count() == 3
    history = Case.objects.filter(submitted_by__username="history_import")
    assert history.count() > 3000 and history.filter(status="approved").count() > 2500
    assert all(events.verify(case) is None for case in history.order_by("?")[:20])
    today = timezone.localdate()
    assert rollup_differences(today - datetime.timedelta(days=400), today) == []
    from zerovisit.feedback.models import Question

    questions = Question.objects.all()
    assert questions.count() > 500 and questions.filter(published_at__isnull=False).count() > 5
    assert not questions.filter(answered_at__isnull=True, asked_at__lt=timezone.now() - datetime.timedelta(days=5))
    cases = Case.objects.count()
    before = list(ServiceItem.objects.values_list("pk", "version", "updated_at"))
    call_command("load_demo", verbosity=0)
    assert "0 new, 0 updated" in capsys.readouterr().out
    assert list(ServiceItem.objects.values_list("pk", "version", "updated_at")) == before
    assert Case.objects.count() == cases
