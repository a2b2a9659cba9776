"""Importing existing licences: all or nothing per batch, every problem named by row and column."""

import json

import pytest
from django.core.management import call_command

from zerovisit.licenses import identifiers, importer
from zerovisit.licenses.models import License, LicenseStatus
from zerovisit.org.tests.factories import make_credit_code

from .factories import LicenseTypeFactory


@pytest.fixture
def food_type(db):
    return LicenseTypeFactory(code="SPJY")


def csv(*rows: str) -> bytes:
    header = "证照类型代码,证照编号,持证主体,持证主体代码,持证主体代码类型,发证日期,有效期至,状态,证面信息"
    return ("\n".join([header, *rows]) + "\n").encode("utf-8-sig")


def test_a_clean_csv_is_imported_with_serials_identifiers_and_events(food_type):
    code = make_credit_code(5)
    report = importer.import_file(csv(
        f"SPJY,JY001,徐州甲公司,{code},001,2025-03-01,,有效,经营场所=徐州市云龙区1号；主体业态=餐饮服务经营者",
        f"SPJY,JY002,徐州乙公司,{make_credit_code(6)},001,2019-01-01,2020-12-31,有效,",
    ), "证照.csv")  # fmt: skip
    assert report.ok and report.written == 2, report.lines()
    first, second = License.objects.order_by("number")
    assert identifiers.is_valid(first.identifier) and (first.serial, second.serial) == (1, 2)
    assert first.data == {"经营场所": "徐州市云龙区1号", "主体业态": "餐饮服务经营者"}
    assert str(first.valid_until) == "2030-02-28" and first.holder_code_masked == code
    assert second.status == LicenseStatus.EXPIRED  # past its last day when imported
    assert [e.action for e in first.events.all()] == ["import"]


def test_a_batch_with_bad_rows_writes_nothing_and_names_every_problem(food_type):
    report = importer.import_file(csv(
        f"SPJY,JY001,徐州甲公司,{make_credit_code(5)},001,2025-03-01,,有效,",
        "XXXX,JY002,徐州乙公司,123,001,2025-13-01,,有效,",
        f"SPJY,,徐州丙公司,{make_credit_code(7)},001,2025-03-01,,作废,",
    ), "证照.csv")  # fmt: skip
    assert not report.ok and report.written == 0 and not License.objects.exists()
    lines = report.lines()
    assert any(line.startswith("第3行 [证照类型代码]") for line in lines)
    assert any(line.startswith("第3行 [发证日期]") for line in lines)
    assert any(line.startswith("第4行 [证照编号]") for line in lines) and any("[状态]" in line for line in lines)


def test_batches_stand_alone_a_bad_batch_leaves_the_good_ones_written(food_type):
    rows = [(n, {"type": "SPJY", "number": f"N{n}", "holder_name": "甲公司", "holder_code": make_credit_code(n),
                 "issue_date": "2025-01-01"}) for n in range(1, 7)]  # fmt: skip
    rows[4][1]["holder_code"] = "not-a-code"
    report = importer.import_records(rows, batch_size=2)
    assert (report.batches_written, report.batches_refused, report.written) == (2, 1, 4)
    assert sorted(License.objects.values_list("number", flat=True)) == ["N1", "N2", "N3", "N4"]


def test_json_lines_keep_a_given_identifier_and_refuse_a_duplicate_or_a_wrong_check(food_type, tmp_path):
    given = identifiers.make("SPJY", food_type.agency.credit_code, 900, 1)
    line = {"type": "SPJY", "number": "JY900", "holder_name": "甲公司", "holder_code": make_credit_code(9),
            "issue_date": "2025-01-01", "identifier": given, "data": {"经营场所": "徐州"}}  # fmt: skip
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_licenses", str(path), verbosity=0)
    assert License.objects.get().identifier == given
    again = importer.import_file(path.read_bytes(), "l.jsonl")
    assert not again.ok and "已存在" in " ".join(again.lines())
    wrong = importer.import_file(json.dumps({**line, "identifier": given[:-1] + "Z"}).encode(), "x.jsonl")
    assert not wrong.ok and "[证照标识]" in wrong.lines()[0]
    assert not importer.import_file(b"not json\n", "x.jsonl").ok
    assert not importer.import_file(b"a,b\n", "x.txt").ok


def test_the_generator_writes_what_the_importer_takes(food_type, tmp_path):
    out = tmp_path / "gen.jsonl"
    call_command("generate_licenses", "--count", "50", "--out", str(out), verbosity=0)
    report = importer.import_file(out.read_bytes(), "gen.jsonl")
    assert report.ok and report.written == 50


def test_a_control_character_in_a_record_is_a_problem_of_its_row_not_a_server_error(food_type):
    code = make_credit_code(5)
    from_csv = importer.import_file(csv(f"SPJY,JY001,徐州甲\x00公司,{code},001,2025-03-01,,有效,"), "证照.csv")
    line = json.dumps({
        "证照类型代码": "SPJY", "证照编号": "JY002", "持证主体": "徐州乙公司", "持证主体代码": code,
        "持证主体代码类型": "001", "发证日期": "2025-03-01", "证面信息": {"经营场所": "云龙区\u0000"},
    })  # fmt: skip
    from_jsonl = importer.import_file(line.encode(), "证照.jsonl")
    assert not from_csv.ok and not from_jsonl.ok and not License.objects.exists()
    escaped = importer.import_file(csv(f'SPJY,JY003,徐州丙公司,{code},001,2025-03-01,,有效,"{{""k"": ""\\u0000""}}"'),
                                   "证照.csv")  # fmt: skip
    assert not escaped.ok and not License.objects.exists()
    assert all("NUL" in " ".join(report.lines()) for report in (from_csv, from_jsonl, escaped))
