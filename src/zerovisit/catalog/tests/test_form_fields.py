"""An item's application form (申请表): declared as data, checked when it is saved or imported, and the one
check that both the portal and the case service apply to answers."""

import pytest

from zerovisit.catalog import formfields, listfile, services
from zerovisit.catalog.models import ServiceItem
from zerovisit.org.tests.factories import AgencyFactory

from .factories import row

SHOP = [
    {"label": "经营场所", "type": "text", "required": True, "choices": []},
    {"label": "经营面积（平方米）", "type": "decimal", "required": True, "choices": []},
    {"label": "从业人数", "type": "integer", "required": False, "choices": []},
    {"label": "开业日期", "type": "date", "required": False, "choices": []},
    {"label": "经营类别", "type": "choice", "required": True, "choices": ["预包装食品销售", "热食类食品制售"]},
]


def test_a_sound_schema_has_no_errors():
    assert formfields.schema_errors(SHOP) == []


@pytest.mark.parametrize(
    "fields, problem",
    [
        ([{"label": "", "type": "text"}], "needs a label"),
        ([{"label": "面积", "type": "text"}, {"label": "面积", "type": "integer"}], "Two form fields"),
        ([{"label": "面积", "type": "colour"}], "unknown type"),
        ([{"label": "类别", "type": "choice", "choices": ["甲"]}], "at least two"),
        ([{"label": "面积", "type": "text", "choices": ["甲", "乙"]}], "Only a choice field"),
        ([{"label": "面积", "type": "text", "required": "yes"}], "required is true or false"),
        ("面积", "must be a list"),
    ],
)
def test_a_broken_schema_says_what_is_wrong(fields, problem, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        assert any(problem in message for message in formfields.schema_errors(fields))


def test_answers_are_checked_and_stored_as_plain_json():
    answers = {"经营场所": "徐州市鼓楼区中山北路1号", "经营面积（平方米）": "120.50", "从业人数": "8",
               "开业日期": "2026-12-01", "经营类别": "预包装食品销售"}  # fmt: skip
    assert formfields.clean_form_data(SHOP, answers) == {
        "经营场所": "徐州市鼓楼区中山北路1号", "经营面积（平方米）": "120.5", "从业人数": 8, "开业日期": "2026-12-01",
        "经营类别": "预包装食品销售",
    }  # fmt: skip


def test_every_wrong_answer_is_reported_by_its_label():
    with pytest.raises(formfields.FormDataError) as caught:
        formfields.clean_form_data(SHOP, {"经营面积（平方米）": "很大", "经营类别": "烟草", "颜色": "红"})
    fields = {problem["field"] for problem in caught.value.errors}
    assert fields == {"form.经营场所", "form.经营面积（平方米）", "form.经营类别", "form.颜色"}
    assert all(problem["message"] for problem in caught.value.errors)


@pytest.mark.django_db
def test_the_import_reads_form_fields_and_the_export_writes_them_back():
    AgencyFactory(name="徐州市测试局")
    lines = "经营场所|文本|是\n经营面积（平方米）|数字|是\n经营类别|选项|是|预包装食品销售；热食类食品制售"
    report = services.catalogue_import(actor=None, rows=[(2, row(申请表字段=lines, 先审后验="是"))])
    assert report.ok, report.lines()
    item = ServiceItem.objects.get()
    assert item.verify_originals and [f["type"] for f in item.form_fields] == ["text", "decimal", "choice"]
    exported = listfile.row_from_item(item, item.materials.all(), item.themes.all())
    assert exported["申请表字段"] == lines and exported["先审后验"] == "是"
    again = services.catalogue_import(actor=None, rows=[(2, exported)])
    assert again.unchanged == 1 and ServiceItem.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("lines, problems", [("经营场所|文本\n面积|颜色|是", 2), ("经营类别|选项|是|只有一个", 1)])
def test_a_bad_form_field_line_is_reported_and_nothing_is_written(lines, problems):
    AgencyFactory(name="徐州市测试局")
    report = services.catalogue_import(actor=None, rows=[(2, row(申请表字段=lines))])
    assert not report.ok and not ServiceItem.objects.exists()
    assert [column for _row, column, _message in report.problems] == ["申请表字段"] * problems
