"""行政许可法 in the catalogue: the 20 working days of Art. 42 bind a licensing item whose law sets no limit, and a
告知承诺 item promises a limit of the normal procedure to an applicant who does not sign the commitment. Checked on the
model, on import, through the draft API and in the admin."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import editor
from zerovisit.catalog import listfile, selectors, services
from zerovisit.catalog.models import ItemType, ProcessTemplate, ServiceItem
from zerovisit.org.tests.factories import AgencyFactory

from .factories import ServiceItemFactory, published_item, row
from .test_admin import CHANGELIST, add_form
from .test_api import draft_payload

pytestmark = pytest.mark.django_db

# A 告知承诺 item decided on the day the commitment is signed.
COMMITMENT = {"reform_mode": "commitment", "case_kind": "instant", "promised_days": 0,
              "verification_method": "site", "verification_days": 40}  # fmt: skip
COMMITMENT_ROW = {"证照分离改革方式": "告知承诺", "办件类型": "即办件", "承诺办结时限": "0", "事后核查方式": "实地核查",
                  "事后核查时限": "40", "一般程序承诺时限": "10"}  # fmt: skip


def commitment_item(**fields):
    return ServiceItemFactory.build(process_template=ProcessTemplate.objects.get(code="commitment"),
                                    **{**COMMITMENT, **fields})  # fmt: skip


def numbered(*rows):
    return [(n, r) for n, r in enumerate(rows, start=2)]


@pytest.fixture
def agency():
    return AgencyFactory(name="徐州市测试局")


# -- Art. 42 -----------------------------------------------------------------------------------------------------


def test_a_licensing_item_whose_law_sets_no_limit_is_bound_by_the_20_working_days_of_art_42():
    item = ServiceItemFactory.build(legal_days=None, promised_days=20)
    assert item.effective_legal_days == 20 and item.legal_days_by_art_42
    assert item.consistency_errors() == {}
    item.promised_days = 21
    [message] = item.consistency_errors()["promised_days"]
    assert "第四十二条" in str(message) and "21" in str(message)


def test_an_item_s_own_legal_limit_binds_it_even_above_20_working_days():
    item = ServiceItemFactory.build(legal_days=45, promised_days=30)
    assert item.effective_legal_days == 45 and not item.legal_days_by_art_42
    assert item.consistency_errors() == {}


def test_an_item_that_is_not_a_licence_has_no_legal_limit_when_its_law_sets_none():
    service = ServiceItemFactory.build(item_type=ItemType.objects.get(code="20"), base_code="200001000100",
                                       legal_days=None, promised_days=30)  # fmt: skip
    assert service.effective_legal_days is None and not service.legal_days_by_art_42
    assert service.consistency_errors() == {}


def test_saving_a_licensing_draft_promising_more_than_art_42_allows_is_refused(agency):
    item = ServiceItemFactory.build(agency=agency, legal_days=None, promised_days=25)
    with pytest.raises(services.ItemInvalid) as refused:
        services.item_save_draft(actor=None, item=item)
    assert refused.value.errors[0]["field"] == "promised_days"
    assert not ServiceItem.objects.exists()


def test_an_import_applies_art_42_to_a_licensing_row_without_a_legal_limit(agency):
    report = services.catalogue_import(actor=None, rows=numbered(row(法定办结时限="", 承诺办结时限="25")))
    assert [(r, c) for r, c, _ in report.problems] == [(2, "承诺办结时限")]
    assert "第四十二条" in report.problems[0][2]


def test_the_draft_api_applies_art_42(agency):
    api = APIClient()
    api.force_authenticate(editor(agency))
    refused = api.post("/api/v1/drafts/", draft_payload(agency, legal_days=None, promised_days=21), format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "item_invalid"
    assert refused.json()["errors"][0]["field"] == "promised_days"
    created = api.post("/api/v1/drafts/", draft_payload(agency, legal_days=None, promised_days=20), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["legal_days"] is None and created.json()["effective_legal_days"] == 20


# -- the normal procedure of a 告知承诺 item --------------------------------------------------------------------


def test_a_commitment_item_names_the_promised_limit_of_the_normal_procedure():
    assert commitment_item(normal_promised_days=10).consistency_errors() == {}
    assert "normal_promised_days" in commitment_item(normal_promised_days=None).consistency_errors()
    assert "normal_promised_days" in commitment_item(normal_promised_days=0).consistency_errors()


def test_the_normal_procedure_promises_no_more_than_the_legal_limit():
    assert commitment_item(legal_days=15, normal_promised_days=15).consistency_errors() == {}
    assert "normal_promised_days" in commitment_item(legal_days=15, normal_promised_days=16).consistency_errors()
    # Without a limit of its own, a licensing item's normal procedure is bound by Art. 42.
    assert commitment_item(legal_days=None, normal_promised_days=20).consistency_errors() == {}
    assert "normal_promised_days" in commitment_item(legal_days=None, normal_promised_days=21).consistency_errors()


def test_only_a_commitment_item_has_a_promised_limit_of_the_normal_procedure():
    assert "normal_promised_days" in ServiceItemFactory.build(normal_promised_days=5).consistency_errors()


def test_the_database_refuses_a_normal_procedure_limit_above_the_legal_one(agency):
    item = ServiceItemFactory.build(agency=agency, legal_days=20, normal_promised_days=10, **COMMITMENT,
                                    process_template=ProcessTemplate.objects.get(code="commitment"))  # fmt: skip
    services.item_save_draft(actor=None, item=item)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.filter(pk=item.pk).update(normal_promised_days=21)


def test_the_migration_gives_existing_commitment_items_their_legal_limit_or_20_working_days(agency):
    own = published_item(agency=agency, legal_days=15, **COMMITMENT,
                         process_template=ProcessTemplate.objects.get(code="commitment"))  # fmt: skip
    art_42 = published_item(agency=agency, legal_days=None, base_code="010001000200", **COMMITMENT,
                            process_template=ProcessTemplate.objects.get(code="commitment"))  # fmt: skip
    plain = published_item(agency=agency, base_code="010001000300")
    ServiceItem.objects.update(normal_promised_days=None)  # as the rows were before the field
    import_module("zerovisit.catalog.migrations.0004_item_normal_promised_days").fill_normal_promised_days(apps, None)
    days = dict(ServiceItem.objects.values_list("pk", "normal_promised_days"))
    assert days == {own.pk: 15, art_42.pk: 20, plain.pk: None}


def test_an_imported_commitment_row_needs_the_normal_procedure_limit_and_exports_it_back(agency):
    report = services.catalogue_import(actor=None, rows=numbered(row(**{**COMMITMENT_ROW, "一般程序承诺时限": ""})))
    assert [(r, c) for r, c, _ in report.problems] == [(2, "一般程序承诺时限")]
    report = services.catalogue_import(actor=None, rows=numbered(row(**{**COMMITMENT_ROW, "一般程序承诺时限": "21"})))
    assert [(r, c) for r, c, _ in report.problems] == [(2, "一般程序承诺时限")]

    report = services.catalogue_import(actor=None, rows=numbered(row(**COMMITMENT_ROW)))
    assert report.ok and report.created == 1, report.lines()
    item = ServiceItem.objects.get()
    assert item.normal_promised_days == 10 and item.process_template.code == "commitment"
    [exported] = [listfile.row_from_item(i, i.materials.all(), i.themes.all()) for i in selectors.export_items()]
    assert exported["一般程序承诺时限"] == "10"
    assert services.catalogue_import(actor=None, rows=numbered(exported)).unchanged == 1


def test_the_draft_api_takes_and_checks_the_normal_procedure_limit(agency):
    api = APIClient()
    api.force_authenticate(editor(agency))
    payload = draft_payload(agency, **COMMITMENT, process_template="commitment")
    refused = api.post("/api/v1/drafts/", {**payload, "normal_promised_days": 25}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "normal_promised_days"
    created = api.post("/api/v1/drafts/", {**payload, "normal_promised_days": 8}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["normal_promised_days"] == 8


def test_an_editor_sets_the_normal_procedure_limit_in_the_admin(client, agency):
    client.force_login(editor(agency))
    form = add_form(agency, {"name": "申请表"}, **COMMITMENT, process_template=ProcessTemplate.objects.get(
        code="commitment").pk)  # fmt: skip
    refused = client.post(f"{CHANGELIST}add/", form)
    assert refused.status_code == 200
    assert "normal_promised_days" in refused.context["adminform"].form.errors
    saved = client.post(f"{CHANGELIST}add/", {**form, "normal_promised_days": 6})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert ServiceItem.objects.get().normal_promised_days == 6


# -- every problem of a row ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "column"),
    [({"实施主体": "不存在的局"}, "实施主体"), ({"事项类型": "99 不存在"}, "事项类型"),
     ({"法人主题": "不存在的主题"}, "法人主题"), ({"办理流程": "no-such-process"}, "办理流程"),
     ({"服务大厅": "不存在的大厅"}, "服务大厅")],
)  # fmt: skip
def test_a_failed_lookup_does_not_hide_the_other_problems_of_its_row(agency, bad, column):
    report = services.catalogue_import(actor=None, rows=numbered(row(**bad, 承诺办结时限="30", 是否收费="是")))
    columns = [c for _, c, _ in report.problems]
    assert column in columns
    assert "承诺办结时限" in columns  # 30 > the legal 20
    assert "收费依据" in columns  # fees without items and basis
    assert not report.written and not ServiceItem.objects.exists()


def test_a_column_already_reported_is_not_reported_again_for_what_its_bad_value_implies(agency):
    report = services.catalogue_import(actor=None, rows=numbered(row(**{**COMMITMENT_ROW, "事后核查方式": "电话核查"})))
    assert [(r, c) for r, c, _ in report.problems] == [(2, "事后核查方式")]
