"""The editors' admin: their own agency only, published versions read-only, and the import page's report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zerovisit.accounts.tests.factories import editor
from zerovisit.catalog import listfile
from zerovisit.catalog.models import ItemStatus, ServiceItem
from zerovisit.org.tests.factories import AgencyFactory

from .factories import ServiceItemFactory, published_item, row

CHANGELIST = "/admin/catalog/serviceitem/"


@pytest.fixture
def own_and_other(db):
    own = published_item(name="本局事项")
    other = published_item(name="他局事项")
    return own, other


def test_an_editor_sees_only_items_of_their_agency(client, own_and_other):
    own, _ = own_and_other
    client.force_login(editor(own.agency))
    page = client.get(CHANGELIST).content.decode()
    assert "本局事项" in page and "他局事项" not in page


def test_an_editor_cannot_open_another_agencys_item(client, own_and_other):
    own, other = own_and_other
    client.force_login(editor(own.agency))
    response = client.get(f"{CHANGELIST}{other.pk}/change/")
    assert response.status_code == 302  # the admin sends unknown objects back to the list


def test_a_published_version_is_read_only(client, own_and_other):
    own, _ = own_and_other
    client.force_login(editor(own.agency))
    response = client.post(f"{CHANGELIST}{own.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.name == "本局事项"


def test_publishing_from_the_admin_goes_through_the_service(client, db):
    agency = AgencyFactory()
    draft = ServiceItemFactory(agency=agency, status=ItemStatus.DRAFT)
    client.force_login(editor(agency))
    client.post(CHANGELIST, {"action": "publish_drafts", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == ItemStatus.PUBLISHED and draft.published_at


def test_staff_without_a_catalogue_role_do_not_see_the_catalogue(client, db):
    from zerovisit.accounts.models import Role

    client.force_login(editor(AgencyFactory(), role=Role.ACCEPTOR))
    assert client.get(CHANGELIST).status_code == 403


def test_the_import_page_names_both_bad_rows_and_writes_nothing(client, db):
    agency = AgencyFactory(name="徐州市测试局")
    client.force_login(editor(agency))
    data = listfile.write_xlsx(
        [
            row(),
            row(基本编码="010001000200", 承诺办结时限="25"),
            row(基本编码="010001000300"),
            row(基本编码="010001000400", 是否收费="是"),
        ]
    )
    upload = SimpleUploadedFile("items.xlsx", data)
    page = client.post(f"{CHANGELIST}import/", {"file": upload}).content.decode()
    assert "发现2个问题，未写入任何数据" in page
    assert "<td>3</td><td>承诺办结时限</td>" in page and "<td>5</td><td>收费依据</td>" in page
    assert not ServiceItem.objects.exists()


def test_the_import_page_writes_a_clean_file(client, db):
    agency = AgencyFactory(name="徐州市测试局")
    client.force_login(editor(agency))
    upload = SimpleUploadedFile("items.csv", listfile.write_csv([row()]))
    page = client.post(f"{CHANGELIST}import/", {"file": upload}).content.decode()
    assert "已写入" in page
    assert ServiceItem.objects.published().count() == 1


def test_the_import_page_refuses_other_files(client, db):
    client.force_login(editor(AgencyFactory()))
    upload = SimpleUploadedFile("items.pdf", b"%PDF")
    page = client.post(f"{CHANGELIST}import/", {"file": upload}).content.decode()
    assert "errorlist" in page


def add_form(agency, *materials, **fields):
    """The admin's add form for a valid draft of `agency`, with inline materials; `fields` override."""
    form = {
        "name": "新办事项", "base_code": "010008000100", "item_type": "01", "agency": agency.pk, "level": 3,
        "legal_basis": "《行政许可法》", "legal_days": 20, "promised_days": 5, "case_kind": "promised",
        "handling_forms": ["online", "mail"], "visits_required": 0, "online_depth": ["1", "2", "4"],
        "online_level": 4, "online_available": "on", "conditions": "符合条件", "service_objects": ["enterprise"],
        "result_type": "none", "assurance_level": 2, "consult_phone": "0516-1", "complaint_phone": "12345",
        "materials-TOTAL_FORMS": len(materials), "materials-INITIAL_FORMS": 0,
    }  # fmt: skip
    for n, material in enumerate(materials):
        defaults = {"order": n + 1, "material_type": "form", "form": "electronic", "necessity": "required",
                    "source": "online_form", "copies": 1}  # fmt: skip
        form.update({f"materials-{n}-{key}": value for key, value in {**defaults, **material}.items()})
    return {**form, **fields}


def test_an_editor_adds_a_draft_with_materials_in_the_admin(client, db):
    agency = AgencyFactory()
    client.force_login(editor(agency))
    response = client.post(f"{CHANGELIST}add/", add_form(agency, {"name": "申请表"}))
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = ServiceItem.objects.get(name="新办事项")
    assert item.status == ItemStatus.DRAFT and item.online_depth == [1, 2, 4]
    assert item.impl_code == f"{agency.credit_code}3010008000100"
    assert [m.name for m in item.materials.all()] == ["申请表"]


def test_the_admin_form_reports_a_broken_rule_on_its_field(client, db):
    agency = AgencyFactory()
    client.force_login(editor(agency))
    response = client.post(f"{CHANGELIST}add/", add_form(agency, legal_days=5, promised_days=9))
    assert response.status_code == 200
    assert "promised_days" in response.context["adminform"].form.errors
    assert not ServiceItem.objects.exists()


def test_a_blank_form_that_is_not_what_it_claims_is_refused(client, db):
    agency = AgencyFactory()
    client.force_login(editor(agency))
    fake_pdf = SimpleUploadedFile("form.pdf", b"<html>not a pdf</html>")
    response = client.post(f"{CHANGELIST}add/", add_form(agency, {"name": "申请表", "blank_form": fake_pdf}))
    assert response.status_code == 200
    assert "文件内容不是 .pdf 文件" in response.content.decode()
    assert not ServiceItem.objects.exists()
