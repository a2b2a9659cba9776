"""Importing and exporting implementation lists: all rows or none, a report naming every bad row, idempotence,
and a round trip that changes nothing."""

import pytest

from zerovisit.accounts.tests.factories import editor
from zerovisit.catalog import listfile, selectors, services
from zerovisit.catalog.models import ItemStatus, MaterialSpec, ServiceItem
from zerovisit.org.tests.factories import AgencyFactory

from .factories import row


@pytest.fixture
def agency(db):
    return AgencyFactory(name="徐州市测试局")


def numbered(*rows):
    return [(n, r) for n, r in enumerate(rows, start=2)]


def exported_rows():
    return [listfile.row_from_item(i, i.materials.all(), i.themes.all()) for i in selectors.export_items()]


def test_a_clean_file_is_written_and_published(agency):
    report = services.catalogue_import(
        actor=None, rows=numbered(row(), row(基本编码="010001000200", 事项名称="营业执照补领"))
    )
    assert report.ok and report.written and report.created == 2
    item = ServiceItem.objects.get(name="营业执照补领")
    assert item.status == ItemStatus.PUBLISHED and item.impl_code == f"{agency.credit_code}3010001000200"
    assert [m.source for m in item.materials.all()] == ["online_form", "license_library"]
    assert {t.name for t in item.themes.all()} == {"准营准办", "开办"}


def test_a_file_with_two_bad_rows_writes_nothing_and_names_both(agency):
    rows = numbered(
        row(),
        row(基本编码="010001000200", 承诺办结时限="30"),  # promised > legal
        row(基本编码="010001000300"),
        row(基本编码="010001000400", 到办事现场次数="1", 网办深度等级="Ⅲ级"),  # visit without reason
    )
    report = services.catalogue_import(actor=None, rows=rows)
    assert not report.ok and not report.written
    assert [(r, c) for r, c, _ in report.problems] == [(3, "承诺办结时限"), (5, "必须现场办理原因")]
    assert "第3行 [承诺办结时限]" in report.lines()[0]
    assert ServiceItem.objects.count() == 0 and MaterialSpec.objects.count() == 0


def test_every_problem_of_a_row_is_reported_with_its_column(agency):
    bad = row(事项类型="99", 实施主体="不存在的局", 办件类型="急件", 是否收费="也许", 申请材料="身份证|原件")
    report = services.catalogue_import(actor=None, rows=numbered(bad))
    columns = {c for _, c, _ in report.problems}
    assert {"事项类型", "实施主体", "办件类型", "是否收费", "申请材料"} <= columns


def test_unknown_columns_and_duplicate_codes_are_reported(agency):
    report = services.catalogue_import(
        actor=None, rows=numbered(row(), row(), row(基本编码="010001000200", 备注栏="x"))
    )
    assert (4, "备注栏", "未知的列") in report.problems
    assert (3, "实施编码", f"与第2行重复（{agency.credit_code}3010001000100）") in report.problems


def test_importing_the_same_rows_twice_changes_nothing(agency):
    rows = numbered(row(), row(基本编码="010001000200", 事项名称="营业执照补领"))
    services.catalogue_import(actor=None, rows=rows)
    before = list(ServiceItem.objects.values_list("pk", "version", "status", "updated_at"))
    report = services.catalogue_import(actor=None, rows=rows)
    assert report.unchanged == 2 and not report.written
    assert list(ServiceItem.objects.values_list("pk", "version", "status", "updated_at")) == before


def test_a_changed_row_becomes_a_new_version(agency):
    services.catalogue_import(actor=None, rows=numbered(row()))
    report = services.catalogue_import(actor=None, rows=numbered(row(承诺办结时限="3")))
    assert report.updated == 1
    versions = ServiceItem.objects.order_by("version")
    assert [(v.version, v.status, v.promised_days) for v in versions] == [
        (1, ItemStatus.SUPERSEDED, 5),
        (2, ItemStatus.PUBLISHED, 3),
    ]


def test_a_draft_import_leaves_the_published_version_in_place(agency):
    services.catalogue_import(actor=None, rows=numbered(row()))
    services.catalogue_import(actor=None, rows=numbered(row(承诺办结时限="3")), publish=False)
    assert ServiceItem.objects.published().get().promised_days == 5
    assert ServiceItem.objects.get(status=ItemStatus.DRAFT).promised_days == 3


@pytest.mark.parametrize("write", [listfile.write_xlsx, listfile.write_csv])
def test_an_export_imports_back_unchanged(agency, write):
    services.catalogue_import(
        actor=None,
        rows=numbered(
            row(), row(基本编码="010001000200", 事项名称="营业执照补领", 常见问题="问：要多久？\n答：5个工作日。")
        ),
    )
    data = write(exported_rows())
    rows = listfile.read_rows(data, "x.xlsx" if write is listfile.write_xlsx else "x.csv")
    report = services.catalogue_import(actor=None, rows=rows)
    assert report.ok and report.unchanged == 2 and report.total == 2
    assert exported_rows() == [r for _, r in rows]


def test_row_numbers_follow_the_spreadsheet_even_after_blank_rows(agency):
    blank = dict.fromkeys(listfile.HEADERS, "")
    data = listfile.write_csv([row(), blank, row(基本编码="01000100020", 事项名称="x")])
    report = services.catalogue_import(actor=None, rows=listfile.read_rows(data, "x.csv"))
    assert [(r, c) for r, c, _ in report.problems] == [(4, "基本编码")]


def test_an_editor_may_import_only_their_own_agency(agency):
    user = editor(AgencyFactory())
    report = services.catalogue_import(actor=user, rows=numbered(row()))
    assert report.problems == [(2, "实施主体", "无权维护“徐州市测试局”的事项")]


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    with pytest.raises(listfile.FileFormatError):
        listfile.read_rows(b"not a zip", "x.xlsx")
    with pytest.raises(listfile.FileFormatError):
        listfile.read_rows(b"\xff\xfe", "x.csv")
    with pytest.raises(listfile.FileFormatError):
        listfile.read_rows(b"", "x.pdf")


def test_progress_is_reported_for_every_row(agency):
    seen = []
    services.catalogue_import(actor=None, rows=numbered(row(), row(基本编码="010001000200")), progress=seen.append)
    assert seen == [1, 1]


def test_the_report_is_written_in_the_reader_s_language(agency):
    from django.utils import translation

    rows = numbered(row(), row(基本编码="010001000200", 是否收费="也许"))
    with translation.override("en"):
        assert services.catalogue_import(actor=None, rows=rows).lines() == [
            "Row 3 [是否收费] Enter 是 or 否, not “也许”."
        ]
    assert services.catalogue_import(actor=None, rows=rows).lines() == ["第3行 [是否收费] 应填“是”或“否”，而不是“也许”"]


def test_a_spreadsheet_that_is_a_zip_bomb_is_refused_before_it_is_read(settings):
    from zerovisit.core.tests.test_files import office_document

    settings.MAX_UNPACKED_IMPORT_BYTES = 4 * 1024 * 1024
    bomb = office_document({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": bytes(16 * 1024 * 1024)})
    with pytest.raises(listfile.FileFormatError, match=r"4\.0"):
        listfile.read_rows(bomb, "items.xlsx")


def test_a_control_character_in_a_cell_is_a_problem_of_its_row_not_a_server_error(agency):
    report = services.catalogue_import(actor=None, rows=numbered(row(事项名称="营业执照\x00补领")))
    assert not report.ok and not ServiceItem.objects.exists()
    assert any("事项名称" in line and "NUL" in line for line in report.lines()), report.lines()
