"""Bulk import of existing licences (from other systems, or the generator for benchmarks).

Formats: CSV or XLSX with Chinese headers (docs/license-import.md), or JSON lines with the English keys below.
Rows are checked and written in batches: a batch with any bad row writes nothing, and the report names every
problem as (row, column, message). Imported licences keep their identifier when one is given (its check character
must be right); otherwise they get the next serial of their type and issuer.
"""

import datetime
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.catalog.listfile import FileFormatError, read_rows
from zerovisit.core.text import has_forbidden

from . import identifiers
from .models import HOLDER_CODE_TYPES, License, LicenseEvent, LicenseStatus, LicenseType
from .services import LicenseInvalid, holder_fields, valid_until

# Chinese header → key; JSON lines use the keys.
COLUMNS = {
    "证照类型代码": "type",
    "证照编号": "number",
    "持证主体": "holder_name",
    "持证主体代码": "holder_code",
    "持证主体代码类型": "holder_code_type",
    "发证日期": "issue_date",
    "有效期起": "valid_from",
    "有效期至": "valid_until",
    "状态": "status",
    "证照标识": "identifier",
    "证面信息": "data",
}
HEADERS = {key: header for header, key in COLUMNS.items()}
REQUIRED = ("type", "number", "holder_name", "holder_code", "issue_date")
STATUSES = {"有效": LicenseStatus.VALID, "撤销": LicenseStatus.REVOKED, "注销": LicenseStatus.CANCELLED,
            "过期": LicenseStatus.EXPIRED, **{s.value: s.value for s in LicenseStatus}}  # fmt: skip
KINDS = {code: kind for kind, code in HOLDER_CODE_TYPES.items()}
BATCH = 5000


@dataclass
class ImportReport:
    total: int = 0
    written: int = 0
    batches_written: int = 0
    batches_refused: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        return [f"第{row}行 [{column}] {message}" for row, column, message in self.problems]


def records(data: bytes, filename: str) -> Iterator[tuple[int, dict]]:
    """(row number, key → value) from a CSV, XLSX or JSON lines file."""
    if filename.lower().endswith((".jsonl", ".ndjson")):
        for number, line in enumerate(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig"), start=1):
            if line.strip():
                try:
                    value = json.loads(line)
                except json.JSONDecodeError:
                    value = None
                yield number, value if isinstance(value, dict) else {"_invalid": line[:80]}
        return
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise FileFormatError(_("Only .xlsx, .csv and .jsonl files can be imported."))
    for number, row in read_rows(data, filename):
        unknown = [h for h in row if h not in COLUMNS]
        record = {COLUMNS[h]: v for h, v in row.items() if h in COLUMNS}
        if unknown:
            record["_unknown"] = unknown
        yield number, record


def _date(value, column, err) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        err(column, _("Enter a date as YYYY-MM-DD, not “%(value)s”.") % {"value": value})
        return None


def _data(value, err) -> dict:
    """证面信息: a JSON object, or `名称=值` pairs separated by ；."""
    if value in (None, ""):
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    text = str(value).strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, dict):
            return {str(k): str(v) for k, v in parsed.items()}
        err("data", _("Not a valid JSON object."))
        return {}
    pairs = [p.split("=", 1) for p in text.replace(";", "；").split("；") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        err("data", _("Write the printed data as 名称=值；名称=值, or as a JSON object."))
        return {}
    return {k.strip(): v.strip() for k, v in pairs}


def check(record: dict, types: dict[str, LicenseType], today: datetime.date) -> tuple[License | None, list]:
    """A licence built from one record (not saved), or the problems as (column key, message)."""
    problems = []

    def err(column, message):
        problems.append((column, message))

    if "_invalid" in record:
        return None, [("", _("Not a JSON object: %(text)s") % {"text": record["_invalid"]})]
    for column in record.get("_unknown", []):
        problems.append(("", _("Unknown column “%(column)s”.") % {"column": column}))
    values = {k: ("" if v is None else v if isinstance(v, dict) else str(v).strip()) for k, v in record.items()}
    for key, value in values.items():
        if has_forbidden(value):
            err(key, _("Contains control characters (such as NUL); remove them."))
            values[key] = ""
    for key in REQUIRED:
        if not values.get(key):
            err(key, _("Required, but empty."))
    license_type = types.get(values.get("type", ""))
    if values.get("type") and license_type is None:
        err("type", _("No licence type has the code “%(code)s”.") % {"code": values["type"]})
    kind = KINDS.get(values.get("holder_code_type") or HOLDER_CODE_TYPES.get(getattr(license_type, "holder_kind", "")))
    if kind is None:
        err("holder_code_type", _("Use 111 (citizen ID number) or 001 (unified social credit code)."))
    issue_date = _date(values.get("issue_date"), "issue_date", err)
    valid_from = _date(values.get("valid_from"), "valid_from", err) or issue_date
    until = _date(values.get("valid_until"), "valid_until", err)
    status = STATUSES.get(values.get("status") or "有效")
    if status is None:
        err("status", _("The status is one of 有效, 撤销, 注销, 过期."))
    data = _data(values.get("data"), err)
    if has_forbidden(data):  # a JSON cell may spell a control character as an escape
        err("data", _("Contains control characters (such as NUL); remove them."))
        data = {}
    identifier = values.get("identifier", "")
    if identifier and not identifiers.is_valid(identifier):
        err("identifier", _("Not a valid licence identifier (check character or format)."))
    elif identifier and license_type and f".{license_type.code}.{license_type.agency.credit_code}." not in identifier:
        err("identifier", _("The identifier names another licence type or issuer."))
    holder = {}
    if kind and values.get("holder_code") and values.get("holder_name"):
        try:
            holder = holder_fields(kind, values["holder_name"], values["holder_code"])
        except LicenseInvalid as exc:
            err("holder_code", str(exc.message))
    if problems:
        return None, problems
    if until is None and license_type.validity_years:
        until = valid_until(license_type, valid_from)
    if status == LicenseStatus.VALID and until is not None and until < today:
        status = LicenseStatus.EXPIRED
    serial = version = None
    if identifier:
        parts = identifiers.PATTERN.match(identifier).groupdict()
        serial, version = int(parts["serial"]), int(parts["version"])
    license = License(
        identifier=identifier, license_type=license_type, number=values["number"], serial=serial or 0,
        version=version or 1, issuer=license_type.agency, jurisdiction=license_type.agency.region.code,
        issue_date=issue_date, valid_from=valid_from, valid_until=until, data=data, status=status,
        status_changed_at=timezone.now() if status != LicenseStatus.VALID else None, **holder,
    )  # fmt: skip
    return license, []


def _write(batch: list[License]) -> None:
    """Serials for the licences that came without an identifier, then one insert for the licences and one for their
    events. Serials are taken under a lock on each type, so two imports never hand out the same one."""
    for type_id in sorted({lic.license_type_id for lic in batch if not lic.identifier}):
        locked = LicenseType.objects.select_for_update().select_related("agency").get(pk=type_id)
        last = License.objects.filter(license_type=locked, issuer=locked.agency).aggregate(m=Max("serial"))["m"] or 0
        given = max([lic.serial for lic in batch if lic.license_type_id == type_id and lic.identifier] or [0])
        last = max(last, given)
        for lic in batch:
            if lic.license_type_id == type_id and not lic.identifier:
                last += 1
                lic.serial = last
                lic.identifier = identifiers.make(locked.code, locked.agency.credit_code, lic.serial, lic.version)
    License.objects.bulk_create(batch, batch_size=1000)
    now = timezone.now()
    LicenseEvent.objects.bulk_create(
        [LicenseEvent(license=lic, at=now, action="import", status_after=lic.status) for lic in batch], batch_size=1000
    )


def import_records(rows: Iterable[tuple[int, dict]], *, batch_size: int = BATCH,
                   progress: Callable[[int], None] | None = None) -> ImportReport:  # fmt: skip
    """Check and write the records batch by batch; a batch is written whole or not at all."""
    types = {t.code: t for t in LicenseType.objects.select_related("agency__region")}
    today, report = timezone.localdate(), ImportReport()
    batch, numbers, batch_problems = [], [], []
    rows_in_batch = 0

    def flush():
        nonlocal rows_in_batch
        if not rows_in_batch:
            return
        identifiers_given = [lic.identifier for lic in batch if lic.identifier]
        taken = set(License.objects.filter(identifier__in=identifiers_given).values_list("identifier", flat=True))
        seen = set()
        for number, lic in zip(numbers, batch, strict=True):
            if lic.identifier and (lic.identifier in taken or lic.identifier in seen):
                batch_problems.append((number, HEADERS["identifier"], _("This identifier exists already.")))
            seen.add(lic.identifier)
        if batch_problems:
            report.problems.extend(batch_problems)
            report.batches_refused += 1
        else:
            try:
                with transaction.atomic():
                    _write(batch)
            except IntegrityError as exc:  # a licence with the same identifier written meanwhile
                report.problems.append((numbers[0], "", _("The batch could not be written: %(e)s") % {"e": exc}))
                report.batches_refused += 1
            else:
                report.written += len(batch)
                report.batches_written += 1
        batch.clear()
        numbers.clear()
        batch_problems.clear()
        rows_in_batch = 0

    for number, record in rows:
        report.total += 1
        rows_in_batch += 1
        license, problems = check(record, types, today)
        if problems:
            batch_problems.extend((number, HEADERS.get(column, column), message) for column, message in problems)
        else:
            batch.append(license)
            numbers.append(number)
        if progress:
            progress(1)
        if rows_in_batch >= batch_size:
            flush()
    flush()
    return report


def import_file(data: bytes, filename: str, **kwargs) -> ImportReport:
    try:
        return import_records(records(data, filename), **kwargs)
    except FileFormatError as exc:
        return ImportReport(problems=[(0, "", str(exc))])
