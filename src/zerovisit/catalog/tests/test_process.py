"""Process templates: the standard ones are valid, a broken one is refused, items use the kind they need."""

import pytest

from zerovisit.catalog import services
from zerovisit.catalog.models import ProcessStage, ProcessTemplate, ServiceItem
from zerovisit.catalog.models.process import structure_errors
from zerovisit.org.tests.factories import AgencyFactory

from .factories import ServiceItemFactory, published_item, row


def errors(kind, *stages, agencies=None):
    built = [ProcessStage(action=a, name=a, role=r, share=s) for a, r, s in stages]
    return structure_errors(kind, built, agencies or [0] * len(built))


@pytest.mark.django_db
def test_the_standard_templates_are_valid():
    for template in ProcessTemplate.objects.prefetch_related("stages__agencies"):
        stages = list(template.stages.all())
        assert structure_errors(template.kind, stages, [s.agencies.count() for s in stages]) == [], template.code


def test_a_promised_process_has_one_to_three_review_levels():
    ok = [("accept", "acceptor", 20), ("review", "reviewer", 50), ("decide", "decider", 30)]
    assert errors("promised", *ok) == []
    four_levels = [ok[0], *[("review", "reviewer", 10)] * 4, ("decide", "decider", 40)]
    assert errors("promised", *four_levels)
    assert errors("promised", ok[0], ok[2])  # no review at all


def test_shares_of_the_limit_add_up_to_a_hundred_and_post_verification_takes_none():
    assert errors("promised", ("accept", "acceptor", 20), ("review", "reviewer", 50), ("decide", "decider", 40))
    assert errors("commitment", ("accept", "acceptor", 50), ("decide", "decider", 50), ("post_verify", "reviewer", 10))


def test_each_stage_is_done_by_its_role():
    assert errors("promised", ("accept", "decider", 20), ("review", "reviewer", 50), ("decide", "decider", 30))


def test_a_parallel_review_names_at_least_two_agencies():
    stages = [("accept", "acceptor", 10), ("joint_review", "reviewer", 60), ("decide", "decider", 30)]
    assert errors("joint", *stages, agencies=[0, 1, 0])
    assert errors("joint", *stages, agencies=[0, 3, 0]) == []
    assert errors("joint", *stages, agencies=[2, 3, 0])  # only the parallel stage names agencies


@pytest.mark.django_db
def test_an_item_uses_the_process_kind_its_case_kind_and_reform_mode_need():
    instant = ProcessTemplate.objects.get(code="instant")
    item = ServiceItemFactory.build(agency=AgencyFactory(), process_template=instant)  # a promised item
    assert "process_template" in item.consistency_errors()
    commitment = ServiceItemFactory.build(agency=AgencyFactory(), reform_mode="commitment", case_kind="instant",
                                          promised_days=0, process_template=instant, verification_method="site",
                                          verification_days=20)  # fmt: skip
    assert "process_template" in commitment.consistency_errors()


@pytest.mark.django_db
def test_a_draft_without_a_process_gets_the_standard_one():
    item = ServiceItemFactory.build(agency=AgencyFactory(), process_template=None, case_kind="instant",
                                    promised_days=0)  # fmt: skip
    services.item_save_draft(actor=None, item=item)
    assert item.process_template.code == "instant"


@pytest.mark.django_db
def test_the_import_takes_a_named_process_or_the_standard_one():
    AgencyFactory(name="徐州市测试局")
    report = services.catalogue_import(actor=None, rows=[
        (2, row()),
        (3, row(基本编码="010001000200", 办理流程="promised-2")),
        (4, row(基本编码="010001000300", 办理流程="没有这个流程")),
        (5, row(基本编码="010001000400", 办理流程="filing")),
    ])  # fmt: skip
    assert [(r, c) for r, c, _ in report.problems] == [(4, "办理流程"), (5, "办理流程")]
    report = services.catalogue_import(
        actor=None, rows=[(2, row()), (3, row(基本编码="010001000200", 办理流程="promised-2"))]
    )
    assert report.ok
    codes = dict(ServiceItem.objects.values_list("base_code", "process_template__code"))
    assert codes == {"010001000100": "promised-1", "010001000200": "promised-2"}


@pytest.mark.django_db
def test_the_guide_draws_the_items_process(client):
    item = published_item(process_template=ProcessTemplate.objects.get(code="promised-2"))
    page = client.get(f"/items/{item.impl_code}/").content.decode()
    for stage in ("受理", "初审", "复审", "决定"):
        assert f"{stage}</li>" in page or f"{stage}<small" in page


@pytest.mark.django_db
def test_the_api_shows_the_process_with_its_stages(client):
    item = published_item()
    body = client.get(f"/api/v1/items/{item.impl_code}/").json()
    assert [s["name"] for s in body["process_template"]["stages"]] == ["受理", "审查", "决定"]
    codes = [t["code"] for t in client.get("/api/v1/process-templates/").json()]
    assert {"instant", "promised-1", "commitment", "filing"} <= set(codes)


@pytest.mark.django_db
def test_the_admin_refuses_a_template_whose_shares_do_not_add_up(admin_client):
    response = admin_client.post("/admin/catalog/processtemplate/add/", {
        "code": "broken", "name": "坏流程", "kind": "promised",
        "stages-TOTAL_FORMS": 3, "stages-INITIAL_FORMS": 0,
        "stages-0-order": 1, "stages-0-action": "accept", "stages-0-name": "受理", "stages-0-role": "acceptor",
        "stages-0-share": 20,
        "stages-1-order": 2, "stages-1-action": "review", "stages-1-name": "审查", "stages-1-role": "reviewer",
        "stages-1-share": 20,
        "stages-2-order": 3, "stages-2-action": "decide", "stages-2-name": "决定", "stages-2-role": "decider",
        "stages-2-share": 20,
    })  # fmt: skip
    assert response.status_code == 200
    assert not ProcessTemplate.objects.filter(code="broken").exists()
