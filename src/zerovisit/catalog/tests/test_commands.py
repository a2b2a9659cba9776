"""The CLI: import (all rows or none, a report of every bad row), export, and the benchmark generator."""

import pytest
from django.core.management import CommandError, call_command

from zerovisit.catalog import listfile
from zerovisit.catalog.models import ServiceItem
from zerovisit.org.tests.factories import AgencyFactory

from .factories import row


@pytest.fixture
def agency(db):
    return AgencyFactory(name="徐州市测试局")


def test_importing_a_file_with_two_bad_rows_prints_both_and_writes_nothing(agency, tmp_path, capsys):
    path = tmp_path / "items.xlsx"
    path.write_bytes(
        listfile.write_xlsx(
            [row(), row(基本编码="010001000200", 承诺办结时限="21"), row(基本编码="0100010003", 事项名称="x")]
        )
    )
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_catalogue", str(path), verbosity=0)
    err = capsys.readouterr().err
    assert "第3行 [承诺办结时限]" in err and "第4行 [基本编码]" in err
    assert not ServiceItem.objects.exists()


def test_import_then_export_round_trips(agency, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_bytes(listfile.write_csv([row()]))
    call_command("import_catalogue", str(source), verbosity=0)
    assert "新增1项" in capsys.readouterr().out
    exported = tmp_path / "out.xlsx"
    call_command("export_catalogue", str(exported))
    call_command("import_catalogue", str(exported), verbosity=0)
    assert "未变1项" in capsys.readouterr().out


def test_a_dry_run_writes_nothing(agency, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(listfile.write_csv([row()]))
    call_command("import_catalogue", str(path), "--dry-run", verbosity=0)
    assert not ServiceItem.objects.exists()


def test_importing_as_an_unknown_user_is_refused(agency, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(listfile.write_csv([row()]))
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_catalogue", str(path), "--as", "nobody")


def test_the_generator_fills_the_catalogue_to_the_target(agency):
    call_command("generate_catalogue", items=120, verbosity=0)
    assert ServiceItem.objects.published().count() == 120
    call_command("generate_catalogue", items=120, verbosity=0)
    assert ServiceItem.objects.published().count() == 120
