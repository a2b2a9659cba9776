"""The implementation-list file layout (docs/catalogue-format.md): one row per item, Chinese headers.

This module only translates between file rows (header → cell text) and unsaved model instances; it never writes
to the database. `row_from_item()` is the single canonical form: export writes it, and the importer compares it
with the incoming row to decide whether anything changed.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zerovisit.core.files import check_zip
from zerovisit.core.text import has_forbidden

from .formfields import FieldType
from .models import (
    CaseKind,
    HandlingForm,
    MaterialForm,
    MaterialSource,
    MaterialSpec,
    MaterialType,
    Necessity,
    OnlineDepth,
    ReformMode,
    ResultType,
    ServiceItem,
    ServiceObject,
    Theme,
    ThemeAudience,
    ThemeKind,
    VerificationMethod,
)
from .models.item import BASE_CODE_PATTERN, default_process_code

SHEET_TITLE = "事项实施清单"
MULTI_SPLIT = re.compile(r"\s*[;；]\s*")

LEVELS = {"国家级": 1, "省级": 2, "市级": 3, "县级": 4, "镇级": 5, "村级": 6}
CASE_KINDS = {"即办件": CaseKind.INSTANT, "承诺件": CaseKind.PROMISED}
HANDLING_FORMS = {"窗口办理": HandlingForm.WINDOW, "网上办理": HandlingForm.ONLINE, "快递申请": HandlingForm.MAIL}
ONLINE_DEPTHS = {
    "咨询": OnlineDepth.CONSULTATION,
    "收件": OnlineDepth.RECEIPT,
    "预审": OnlineDepth.PRE_REVIEW,
    "受理": OnlineDepth.ACCEPTANCE,
    "办理": OnlineDepth.HANDLING,
    "结果反馈": OnlineDepth.RESULT_FEEDBACK,
    "电子证照反馈": OnlineDepth.LICENSE_FEEDBACK,
    "其他": OnlineDepth.OTHER,
}
ONLINE_LEVELS = {"Ⅰ级": 1, "Ⅱ级": 2, "Ⅲ级": 3, "Ⅳ级": 4}
ASSURANCE_LEVELS = {"一级（手机号）": 1, "二级（实名）": 2, "三级（实人）": 3}
ONLINE_LEVEL_ALIASES = {
    "Ⅰ": 1,
    "Ⅱ": 2,
    "Ⅲ": 3,
    "Ⅳ": 4,
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "I级": 1,
    "II级": 2,
    "III级": 3,
    "IV级": 4,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
}
SERVICE_OBJECTS = {
    "自然人": ServiceObject.NATURAL_PERSON,
    "企业法人": ServiceObject.ENTERPRISE,
    "事业单位法人": ServiceObject.INSTITUTION,
    "社会组织法人": ServiceObject.SOCIAL_ORGANISATION,
    "非法人企业": ServiceObject.UNINCORPORATED,
    "行政机关": ServiceObject.GOVERNMENT,
    "其他组织": ServiceObject.OTHER,
}
RESULT_TYPES = {
    "证照": ResultType.LICENSE,
    "批文": ResultType.APPROVAL,
    "其他": ResultType.OTHER,
    "无": ResultType.NONE,
}
VERIFICATION_METHODS = {
    "书面核查": VerificationMethod.WRITTEN,
    "网络核验": VerificationMethod.ONLINE,
    "实地核查": VerificationMethod.SITE,
    "公示": VerificationMethod.PUBLICITY,
}
REFORM_MODES = {
    "取消审批": ReformMode.CANCELLED,
    "审批改备案": ReformMode.FILING,
    "告知承诺": ReformMode.COMMITMENT,
    "优化审批服务": ReformMode.OPTIMISED,
}
FOCUS_AREAS = {"高频": "is_high_frequency", "投资建设": "is_investment", "便民": "is_convenience"}
MATERIAL_TYPES = {
    "原件": MaterialType.ORIGINAL,
    "复印件": MaterialType.COPY,
    "原件和复印件": MaterialType.ORIGINAL_AND_COPY,
    "电子证照": MaterialType.E_LICENSE,
    "申请表": MaterialType.FORM,
}
MATERIAL_FORMS = {"纸质": MaterialForm.PAPER, "电子": MaterialForm.ELECTRONIC, "纸质或电子": MaterialForm.EITHER}
NECESSITIES = {"必要": Necessity.REQUIRED, "非必要": Necessity.OPTIONAL, "容缺后补": Necessity.DEFERRABLE}
MATERIAL_SOURCES = {
    "申请人自备": MaterialSource.APPLICANT,
    "政府部门核发": MaterialSource.GOVERNMENT,
    "调取电子证照库": MaterialSource.LICENSE_LIBRARY,
    "在线填报": MaterialSource.ONLINE_FORM,
}
FORM_FIELD_TYPES = {
    "文本": FieldType.TEXT,
    "多行文本": FieldType.TEXTAREA,
    "整数": FieldType.INTEGER,
    "数字": FieldType.DECIMAL,
    "日期": FieldType.DATE,
    "选项": FieldType.CHOICE,
}
YES = {"是", "y", "yes", "true", "1"}
NO = {"否", "n", "no", "false", "0", ""}

THEME_COLUMNS = {
    "自然人主题": (ThemeAudience.PERSON, ThemeKind.TOPIC),
    "法人主题": (ThemeAudience.LEGAL, ThemeKind.TOPIC),
    "生命周期": (None, ThemeKind.LIFE_EVENT),
}

# Header → model field, for the columns that map one to one. The order is the export order.
TEXT_COLUMNS = {
    "事项名称": "name",
    "基本编码": "base_code",
    "实施编码": "impl_code",
    "设定依据": "legal_basis",
    "法定时限说明": "legal_days_note",
    "承诺时限说明": "promised_days_note",
    "必须现场办理原因": "visits_reason",
    "收费项目": "fee_items",
    "收费标准": "fee_standard",
    "收费依据": "fee_basis",
    "办理地点": "address",
    "办理时间": "office_hours",
    "受理条件": "conditions",
    "特别程序": "special_procedures",
    "办理结果名称": "result_name",
    "咨询电话": "consult_phone",
    "监督投诉电话": "complaint_phone",
    "行政复议": "remedy_review",
    "行政诉讼": "remedy_litigation",
    "常见问题": "faq",
}
BOOL_COLUMNS = {
    "是否网上办理": "online_available",
    "是否支持移动端": "mobile_available",
    "是否收费": "fee_required",
    "是否支持网上支付": "online_payment",
    "支持材料邮寄": "mail_materials",
    "支持结果快递": "mail_results",
    "支持预约办理": "appointment",
    "支持自助终端": "kiosk",
    "先审后验": "verify_originals",
}
HEADERS = [
    "事项名称",
    "基本编码",
    "实施编码",
    "事项类型",
    "实施主体",
    "实施主体编码",
    "原实施部门",
    "行使层级",
    "设定依据",
    "法定办结时限",
    "法定时限说明",
    "承诺办结时限",
    "承诺时限说明",
    "办件类型",
    "办理形式",
    "到办事现场次数",
    "必须现场办理原因",
    "网上办理深度",
    "网办深度等级",
    "实名认证等级",
    "是否网上办理",
    "是否支持移动端",
    "是否收费",
    "收费项目",
    "收费标准",
    "收费依据",
    "是否支持网上支付",
    "支持材料邮寄",
    "支持结果快递",
    "支持预约办理",
    "支持自助终端",
    "先审后验",
    "服务大厅",
    "服务窗口",
    "办理地点",
    "办理时间",
    "受理条件",
    "特别程序",
    "服务对象",
    "自然人主题",
    "法人主题",
    "生命周期",
    "办理结果类型",
    "办理结果名称",
    "咨询电话",
    "监督投诉电话",
    "行政复议",
    "行政诉讼",
    "常见问题",
    "证照分离改革方式",
    "事后核查方式",
    "事后核查时限",
    "一般程序承诺时限",
    "重点领域",
    "办理流程",
    "申请材料",
    "申请表字段",
]
REQUIRED = {
    "事项名称",
    "基本编码",
    "事项类型",
    "实施主体",
    "行使层级",
    "设定依据",
    "承诺办结时限",
    "办件类型",
    "办理形式",
    "到办事现场次数",
    "网上办理深度",
    "网办深度等级",
    "受理条件",
    "服务对象",
    "办理结果类型",
    "咨询电话",
    "监督投诉电话",
}

# Where a model field's consistency error shows in the file.
FIELD_COLUMNS = {v: k for k, v in {**TEXT_COLUMNS, **BOOL_COLUMNS}.items()} | {
    "promised_days": "承诺办结时限",
    "form_fields": "申请表字段",
    "visits_required": "到办事现场次数",
    "legal_days": "法定办结时限",
    "item_type": "事项类型",
    "agency": "实施主体",
    "level": "行使层级",
    "case_kind": "办件类型",
    "online_level": "网办深度等级",
    "assurance_level": "实名认证等级",
    "process_template": "办理流程",
    "verification_method": "事后核查方式",
    "normal_promised_days": "一般程序承诺时限",
    "result_type": "办理结果类型",
}


@dataclass
class Lookups:
    """Everything a row may refer to, loaded once per file so parsing a row asks the database nothing."""

    item_types: dict  # code → ItemType, and name → ItemType
    agencies: dict  # name → Agency
    themes: dict  # (audience, kind, name) → Theme; life events under (None, kind, name) too
    halls: dict  # (region_id, name) → ServiceHall
    windows: dict  # (hall_id, name) → Window
    processes: dict  # code → ProcessTemplate, and name → ProcessTemplate

    @classmethod
    def load(cls):
        from zerovisit.org.models import Agency, ServiceHall, Window

        from .models import ItemType, ProcessTemplate

        item_types = {}
        for t in ItemType.objects.all():
            item_types[t.code] = item_types[t.name] = t
        themes = {}
        for th in Theme.objects.all():
            themes[(th.audience, th.kind, th.name)] = th
            if th.kind == ThemeKind.LIFE_EVENT:
                themes[(None, th.kind, th.name)] = th
        return cls(
            item_types=item_types,
            agencies={a.name: a for a in Agency.objects.select_related("region")},
            themes=themes,
            halls={(h.region_id, h.name): h for h in ServiceHall.objects.all()},
            windows={(w.hall_id, w.name): w for w in Window.objects.all()},
            processes={key: p for p in ProcessTemplate.objects.all() for key in (p.code, p.name)},
        )


@dataclass
class ParsedRow:
    item: ServiceItem
    materials: list[MaterialSpec] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, problem)


def _split(value: str) -> list[str]:
    return [v for v in MULTI_SPLIT.split(value.strip()) if v]


def parse_row(row: dict[str, str], lookups: Lookups) -> ParsedRow:
    """Turn one file row into an unsaved item with its materials and themes, collecting every problem."""
    cells = {h: ("" if v is None else str(v)).strip() for h, v in row.items() if h}
    item = ServiceItem()
    parsed = ParsedRow(item=item)
    err = parsed.errors.append
    for header, value in cells.items():
        if has_forbidden(value):
            err((header, _("Contains control characters (such as NUL); remove them.")))
            cells[header] = ""

    for header in REQUIRED:
        if not cells.get(header):
            err((header, _("Required, but empty.")))

    for header, attr in TEXT_COLUMNS.items():
        setattr(item, attr, cells.get(header, ""))
    for header, attr in BOOL_COLUMNS.items():
        value = cells.get(header, "").lower()
        if value in YES:
            setattr(item, attr, True)
        elif value in NO:
            setattr(item, attr, False)
        else:
            err((header, _("Enter 是 or 否, not “%(value)s”.") % {"value": cells[header]}))

    if value := cells.get("事项类型"):
        code = value.split()[0]
        item_type = lookups.item_types.get(code) or lookups.item_types.get(value.split()[-1])
        if item_type is None:
            err(("事项类型", _("Unknown item type “%(value)s”.") % {"value": value}))
        else:
            item.item_type = item_type

    if name := cells.get("实施主体"):
        agency = lookups.agencies.get(name)
        if agency is None:
            err(("实施主体", _("No agency is called “%(name)s”.") % {"name": name}))
        else:
            item.agency, item.region = agency, agency.region
            code = cells.get("实施主体编码", "").upper()
            if code and code != agency.credit_code:
                err(
                    (
                        "实施主体编码",
                        _("Does not match the credit code of “%(name)s”, %(code)s.")
                        % {"name": name, "code": agency.credit_code},
                    )
                )
    if name := cells.get("原实施部门"):
        if name not in lookups.agencies:
            err(("原实施部门", _("No department is called “%(name)s”.") % {"name": name}))
        else:
            item.transferred_from = lookups.agencies[name]

    def choice(header, vocab, attr, aliases=None):
        value = cells.get(header, "")
        if not value:
            return
        chosen = vocab.get(value, (aliases or {}).get(value.upper()))
        if chosen is None:
            err(
                (
                    header,
                    _("“%(value)s” is not one of the choices (%(choices)s).")
                    % {"value": value, "choices": "、".join(vocab)},
                )
            )
        else:
            setattr(item, attr, chosen)

    choice("行使层级", LEVELS, "level", {str(n): n for n in LEVELS.values()})
    choice("办件类型", CASE_KINDS, "case_kind")
    choice("网办深度等级", ONLINE_LEVELS, "online_level", ONLINE_LEVEL_ALIASES)
    choice("实名认证等级", ASSURANCE_LEVELS, "assurance_level", {str(n): n for n in ASSURANCE_LEVELS.values()})
    choice("办理结果类型", RESULT_TYPES, "result_type")
    choice("证照分离改革方式", REFORM_MODES, "reform_mode")
    choice("事后核查方式", VERIFICATION_METHODS, "verification_method")

    def multi(header, vocab, aliases=None):
        chosen = []
        for value in _split(cells.get(header, "")):
            code = vocab.get(value, (aliases or {}).get(value))
            if code is None:
                err(
                    (
                        header,
                        _("“%(value)s” is not one of the choices (%(choices)s).")
                        % {"value": value, "choices": "、".join(vocab)},
                    )
                )
            elif code not in chosen:
                chosen.append(code)
        return chosen

    item.handling_forms = sorted(multi("办理形式", HANDLING_FORMS), key=list(HANDLING_FORMS.values()).index)
    item.online_depth = sorted(multi("网上办理深度", ONLINE_DEPTHS, {str(int(d)): d for d in OnlineDepth}))
    item.service_objects = sorted(multi("服务对象", SERVICE_OBJECTS), key=list(SERVICE_OBJECTS.values()).index)
    focus = multi("重点领域", FOCUS_AREAS)
    for attr in FOCUS_AREAS.values():
        setattr(item, attr, attr in focus)

    def whole(header, allow_none=False):
        value = cells.get(header, "")
        if allow_none and value in ("", "无"):
            return None
        if not value.isdigit():
            if value:
                err((header, _("Enter a whole number of 0 or more, not “%(value)s”.") % {"value": value}))
            return None
        return int(value)

    item.legal_days = whole("法定办结时限", allow_none=True)
    item.promised_days = whole("承诺办结时限")
    item.visits_required = whole("到办事现场次数")
    item.verification_days = whole("事后核查时限", allow_none=True)
    item.normal_promised_days = whole("一般程序承诺时限", allow_none=True)

    for header, (audience, kind) in THEME_COLUMNS.items():
        for name in _split(cells.get(header, "")):
            theme = lookups.themes.get((audience, kind, name))
            if theme is None:
                err((header, _("Unknown theme “%(name)s”.") % {"name": name}))
            elif theme not in parsed.themes:
                parsed.themes.append(theme)

    if hall_name := cells.get("服务大厅"):
        hall = lookups.halls.get((getattr(item, "region_id", None), hall_name))
        if hall is None:
            err(("服务大厅", _("The agency's region has no service hall called “%(name)s”.") % {"name": hall_name}))
        else:
            item.hall = hall
            if window_name := cells.get("服务窗口"):
                item.window = lookups.windows.get((hall.pk, window_name))
                if item.window is None:
                    err(
                        (
                            "服务窗口",
                            _("“%(hall)s” has no window called “%(window)s”.")
                            % {"hall": hall_name, "window": window_name},
                        )
                    )
    elif cells.get("服务窗口"):
        err(("服务窗口", _("A window needs its service hall.")))

    process = cells.get("办理流程") or (
        default_process_code(item.case_kind, item.reform_mode) if item.case_kind else ""
    )
    if process and (template := lookups.processes.get(process)):
        item.process_template = template
    elif process:
        err(("办理流程", _("No process template is called “%(name)s”.") % {"name": process}))

    parsed.materials = _parse_materials(cells.get("申请材料", ""), err)
    item.form_fields = _parse_form_fields(cells.get("申请表字段", ""), err)

    unknown = set(cells) - set(HEADERS)
    for header in sorted(unknown):
        err((header, _("Unknown column.")))

    # The rules between fields are checked even when a cell or a lookup failed, so a row shows every problem at
    # once; a column already reported is not reported again for what its bad value implied.
    if not item.impl_code and item.agency_id and item.level and BASE_CODE_PATTERN.match(item.base_code or ""):
        item.impl_code = item.expected_impl_code()
    reported = {column for column, _message in parsed.errors}
    for attr, messages in item.consistency_errors().items():
        column = FIELD_COLUMNS.get(attr, attr)
        if column not in reported:
            parsed.errors.extend((column, str(message)) for message in messages)
    for attr, limit in (
        ("name", 200),
        ("result_name", 200),
        ("address", 300),
        ("office_hours", 300),
        ("legal_days_note", 500),
        ("promised_days_note", 500),
        ("consult_phone", 100),
        ("complaint_phone", 100),
        ("remedy_review", 300),
        ("remedy_litigation", 300),
    ):
        if len(getattr(item, attr)) > limit:
            err((FIELD_COLUMNS[attr], _("At most %(limit)s characters.") % {"limit": limit}))
    return parsed


def _parse_materials(text: str, err) -> list[MaterialSpec]:
    materials = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 7:
            err(
                (
                    "申请材料",
                    _("Material %(n)s needs 7 parts separated by “|”, not %(parts)s.")
                    % {"n": number, "parts": len(parts)},
                )
            )
            continue
        name, mtype, form, necessity, source, copies, notes = parts
        problems = [
            _("%(label)s “%(value)s” is not one of the choices") % {"label": label, "value": value}
            for label, value, vocab in (
                ("材料类型", mtype, MATERIAL_TYPES),
                ("材料形式", form, MATERIAL_FORMS),
                ("必要性", necessity, NECESSITIES),
                ("来源渠道", source, MATERIAL_SOURCES),
            )
            if value not in vocab
        ]
        if not name:
            problems.append(_("the name is empty"))
        if not copies.isdigit() or int(copies) < 1:
            problems.append(_("copies “%(value)s” must be a whole number of 1 or more") % {"value": copies})
        if problems:
            err(("申请材料", _("Material %(n)s: %(problems)s") % {"n": number, "problems": "；".join(problems)}))
            continue
        materials.append(
            MaterialSpec(
                name=name,
                material_type=MATERIAL_TYPES[mtype],
                form=MATERIAL_FORMS[form],
                necessity=NECESSITIES[necessity],
                source=MATERIAL_SOURCES[source],
                copies=int(copies),
                notes=notes,
                order=len(materials) + 1,
            )
        )
    return materials


def _parse_form_fields(text: str, err) -> list[dict]:
    """One line per field: 标签|类型|必填|选项；选项 (the choices only for 选项)."""
    fields = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (3, 4):
            err(("申请表字段", _("Field %(n)s needs 3 or 4 parts separated by “|”, not %(parts)s.")
                 % {"n": number, "parts": len(parts)}))  # fmt: skip
            continue
        label, kind, required, choices = [*parts, ""][:4]
        if kind not in FORM_FIELD_TYPES or required not in ("是", "否"):
            err(("申请表字段", _("Field %(n)s: the type is one of %(types)s and required is 是 or 否.")
                 % {"n": number, "types": "、".join(FORM_FIELD_TYPES)}))  # fmt: skip
            continue
        fields.append({"label": label, "type": FORM_FIELD_TYPES[kind], "required": required == "是",
                       "choices": [c.strip() for c in re.split("[；;]", choices) if c.strip()]})  # fmt: skip
    return fields


def _form_field_line(field: dict) -> str:
    parts = [field["label"], _label(FORM_FIELD_TYPES, field["type"]), _yes_no(field["required"])]
    return "|".join(parts + (["；".join(field["choices"])] if field.get("choices") else []))


def _label(vocab: dict, code) -> str:
    return next((label for label, value in vocab.items() if value == code), "")


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def row_from_item(item: ServiceItem, materials, themes) -> dict[str, str]:
    """The canonical row of an item: what export writes and what the importer compares against."""
    row = {header: getattr(item, attr) or "" for header, attr in TEXT_COLUMNS.items()}
    row.update({header: _yes_no(getattr(item, attr)) for header, attr in BOOL_COLUMNS.items()})
    row.update(
        {
            "事项类型": f"{item.item_type.code} {item.item_type.name}",
            "实施主体": item.agency.name,
            "实施主体编码": item.agency.credit_code,
            "原实施部门": item.transferred_from.name if item.transferred_from_id else "",
            "行使层级": _label(LEVELS, item.level),
            "法定办结时限": "" if item.legal_days is None else str(item.legal_days),
            "承诺办结时限": str(item.promised_days),
            "办件类型": _label(CASE_KINDS, item.case_kind),
            "办理形式": "；".join(_label(HANDLING_FORMS, v) for v in item.handling_forms),
            "到办事现场次数": str(item.visits_required),
            "网上办理深度": "；".join(_label(ONLINE_DEPTHS, v) for v in item.online_depth),
            "网办深度等级": _label(ONLINE_LEVELS, item.online_level),
            "实名认证等级": _label(ASSURANCE_LEVELS, item.assurance_level),
            "服务大厅": item.hall.name if item.hall_id else "",
            "服务窗口": item.window.name if item.window_id else "",
            "服务对象": "；".join(_label(SERVICE_OBJECTS, v) for v in item.service_objects),
            "办理结果类型": _label(RESULT_TYPES, item.result_type),
            "证照分离改革方式": _label(REFORM_MODES, item.reform_mode),
            "事后核查方式": _label(VERIFICATION_METHODS, item.verification_method),
            "事后核查时限": "" if item.verification_days is None else str(item.verification_days),
            "一般程序承诺时限": "" if item.normal_promised_days is None else str(item.normal_promised_days),
            "重点领域": "；".join(label for label, attr in FOCUS_AREAS.items() if getattr(item, attr)),
            "办理流程": item.process_template.code,
            "申请材料": "\n".join(
                "|".join(
                    [
                        m.name,
                        _label(MATERIAL_TYPES, m.material_type),
                        _label(MATERIAL_FORMS, m.form),
                        _label(NECESSITIES, m.necessity),
                        _label(MATERIAL_SOURCES, m.source),
                        str(m.copies),
                        m.notes,
                    ]
                )
                for m in sorted(materials, key=lambda m: m.order)
            ),
            "申请表字段": "\n".join(_form_field_line(f) for f in item.form_fields),
        }
    )
    for header, (audience, kind) in THEME_COLUMNS.items():
        names = [t for t in themes if t.kind == kind and (audience is None or t.audience == audience)]
        row[header] = "；".join(t.name for t in sorted(names, key=lambda t: (t.display_order, t.pk or 0)))
    return {header: row[header] for header in HEADERS}


class FileFormatError(ValueError):
    """The file itself cannot be read (not a row problem)."""


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, header → cell text) for every non-empty row; numbers count the header as row 1, as the
    spreadsheet shows them."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    if filename.lower().endswith(".csv"):
        return _read_csv(data)
    raise FileFormatError(_("Only .xlsx and .csv files can be imported."))


def _read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(_("A CSV file must be encoded in UTF-8.")) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise FileFormatError(_("The file is empty or has no header row."))
    return [
        (number, {k: v for k, v in row.items() if k is not None})
        for number, row in enumerate(reader, start=2)
        if any((v or "").strip() for v in row.values() if isinstance(v, str))
    ]


def _read_xlsx(data: bytes) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:  # an XLSX is a zip: a zip bomb is refused before the spreadsheet reader unpacks it
        check_zip(io.BytesIO(data), max_bytes=settings.MAX_UNPACKED_IMPORT_BYTES)
    except ValidationError as exc:
        raise FileFormatError(exc.messages[0]) from exc
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileFormatError(_("This XLSX file cannot be read; check that it is not damaged.")) from exc
    rows = sheet.iter_rows(values_only=True)
    headers = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    if not any(headers):
        raise FileFormatError(_("The file is empty or has no header row."))

    def text(value):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return [
        (number, {h: text(v) for h, v in zip(headers, values, strict=False) if h})
        for number, values in enumerate(rows, start=2)
        if any(v not in (None, "") for v in values)
    ]


def write_csv(rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def write_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h, "") for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
