"""/api/v1/ catalogue endpoints: public reads, one error shape, and editors' writes limited to their agency."""

import io

import pytest
from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import editor
from zerovisit.catalog import listfile
from zerovisit.catalog.models import ItemStatus, ServiceItem
from zerovisit.org.tests.factories import AgencyFactory

from .factories import published_item, row


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_the_item_list_is_paginated_and_filterable(api):
    for n in range(25):
        published_item(
            name=f"事项{n}",
            item_type_id="20" if n == 0 else "01",
            base_code=f"{'20' if n == 0 else '01'}{n + 1:05d}00000",
        )
    page = api.get("/api/v1/items/").json()
    assert page["count"] == 25 and len(page["results"]) == 20 and page["next"]
    assert api.get("/api/v1/items/?type=20").json()["count"] == 1
    assert api.get("/api/v1/items/?page_size=5&page=2").json()["results"][0]["name"]


@pytest.mark.django_db
def test_an_item_shows_every_element_and_its_materials(api):
    item = published_item(name="食品经营许可", faq="问：多久？\n答：5天")
    body = api.get(f"/api/v1/items/{item.impl_code}/").json()
    assert body["name"] == "食品经营许可" and body["faq"].startswith("问")
    assert body["legal_days"] == 20 and body["zero_visits"] is True
    assert len(body["materials"]) == 1
    assert api.get(f"/api/v1/items/{item.impl_code}/materials/").json()[0]["source"] == "applicant"


@pytest.mark.django_db
def test_search_finds_items_by_pinyin_initials(api):
    published_item(name="个体工商户营业执照核发")
    body = api.get("/api/v1/search/?q=yyzz").json()
    assert [r["name"] for r in body["results"]] == ["个体工商户营业执照核发"]


@pytest.mark.django_db
def test_errors_have_one_shape_with_a_machine_readable_code(api):
    missing = api.get("/api/v1/items/nope/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    bad = api.get("/api/v1/items/?type=99")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_query"
    assert bad.json()["errors"][0]["field"] == "type"
    empty = api.get("/api/v1/search/?q=")
    assert empty.status_code == 400 and empty.json()["code"] == "query_required"


@pytest.mark.django_db
def test_a_list_costs_the_same_queries_for_any_page_size(api, django_assert_max_num_queries):
    for n in range(30):
        published_item(name=f"许可{n}")
    with django_assert_max_num_queries(3):
        api.get("/api/v1/items/?page_size=5")
    with django_assert_max_num_queries(3):
        api.get("/api/v1/items/?page_size=30")
    with django_assert_max_num_queries(3):
        api.get("/api/v1/search/?q=许可&page_size=30")


@pytest.mark.django_db
def test_the_schema_and_docs_are_served_locally(api):
    assert api.get("/api/v1/schema/").status_code == 200
    docs = api.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs and "//cdn" not in docs and "unpkg" not in docs


@pytest.mark.django_db
def test_anonymous_clients_cannot_write(api):
    assert api.post("/api/v1/drafts/", {}, format="json").status_code in (401, 403)


def draft_payload(agency, **extra):
    return {
        "name": "新事项",
        "base_code": "010009000100",
        "item_type": "01",
        "agency": agency.pk,
        "level": 3,
        "legal_basis": "《行政许可法》",
        "legal_days": 20,
        "promised_days": 5,
        "case_kind": "promised",
        "handling_forms": ["online"],
        "online_depth": [1, 2],
        "online_level": 4,
        "online_available": True,
        "conditions": "符合条件",
        "service_objects": ["enterprise"],
        "result_type": "none",
        "consult_phone": "0516-1",
        "complaint_phone": "12345",
        "materials": [
            {
                "name": "申请表",
                "material_type": "form",
                "form": "electronic",
                "necessity": "required",
                "source": "online_form",
            }
        ],
        **extra,
    }


@pytest.mark.django_db
def test_an_editor_drafts_and_publishes_an_item_of_their_agency(api):
    agency = AgencyFactory()
    api.force_authenticate(editor(agency))
    created = api.post("/api/v1/drafts/", draft_payload(agency), format="json")
    assert created.status_code == 201, created.json()
    draft_id = created.json()["id"] if "id" in created.json() else ServiceItem.objects.get().pk
    changed = api.patch(f"/api/v1/drafts/{draft_id}/", {"promised_days": 3}, format="json")
    assert changed.status_code == 200 and changed.json()["promised_days"] == 3
    published = api.post(f"/api/v1/drafts/{draft_id}/publish/")
    assert published.status_code == 200 and published.json()["status"] == ItemStatus.PUBLISHED


@pytest.mark.django_db
def test_an_editor_cannot_draft_for_another_agency(api):
    api.force_authenticate(editor(AgencyFactory()))
    refused = api.post("/api/v1/drafts/", draft_payload(AgencyFactory()), format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not ServiceItem.objects.exists()


@pytest.mark.django_db
def test_a_draft_breaking_a_rule_is_refused_with_the_field(api):
    agency = AgencyFactory()
    api.force_authenticate(editor(agency))
    refused = api.post("/api/v1/drafts/", draft_payload(agency, promised_days=30), format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "item_invalid"
    assert refused.json()["errors"][0]["field"] == "promised_days"


@pytest.mark.django_db
def test_a_new_version_of_a_published_item_starts_as_a_draft(api):
    item = published_item()
    api.force_authenticate(editor(item.agency))
    response = api.post(f"/api/v1/items/{item.impl_code}/new-draft/")
    assert response.status_code == 201 and response.json()["version"] == 2
    assert api.post(f"/api/v1/items/{item.impl_code}/new-draft/").json()["code"] == "draft_exists"


@pytest.mark.django_db
def test_importing_a_file_with_bad_rows_returns_every_problem_and_writes_nothing(api):
    agency = AgencyFactory(name="徐州市测试局")
    api.force_authenticate(editor(agency))
    data = listfile.write_xlsx(
        [row(), row(基本编码="010001000200", 承诺办结时限="99"), row(基本编码="010001000300", 是否收费="是")]
    )
    upload = io.BytesIO(data)
    upload.name = "items.xlsx"
    response = api.post("/api/v1/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "import_rejected"
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "承诺办结时限"), (4, "收费依据")]
    assert not ServiceItem.objects.exists()


@pytest.mark.django_db
def test_importing_and_exporting_through_the_api(api):
    agency = AgencyFactory(name="徐州市测试局")
    api.force_authenticate(editor(agency))
    upload = io.BytesIO(listfile.write_csv([row()]))
    upload.name = "items.csv"
    assert api.post("/api/v1/imports/", {"file": upload}, format="multipart").json()["created"] == 1
    export = api.get("/api/v1/exports/?format=csv")
    assert export.status_code == 200 and "食品经营许可证核发" in export.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_an_import_without_a_file_says_so(api):
    api.force_authenticate(editor(AgencyFactory()))
    response = api.post("/api/v1/imports/", {}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"


@pytest.mark.django_db
def test_only_catalogue_editors_may_import(api):
    from zerovisit.accounts.models import Role

    api.force_authenticate(editor(AgencyFactory(), role=Role.REVIEWER))
    assert api.post("/api/v1/imports/", {}, format="multipart").status_code == 403


@pytest.mark.django_db
def test_error_messages_are_chinese_unless_the_client_asks_for_english(api):
    assert api.get("/api/v1/search/?q=").json()["message"] == "请输入搜索内容。"
    english = api.get("/api/v1/search/?q=", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"] == "Enter something to search for."
