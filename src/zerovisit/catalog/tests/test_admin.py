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
