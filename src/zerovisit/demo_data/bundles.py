"""The demo's 一件事 (catalog.bundles), built from its own items.

企业开办: the business licence of 徐州市行政审批局 first; once it is issued, 印章刻制备案 (公安), 发票申领 (税务),
社保登记 (人社), 公积金缴存登记 and 银行开户预约 start by themselves, in parallel, each taking the licence from the
library. 新生儿出生: the 出生医学证明, then 出生登记, then 医保参保 and 社保卡申领. 二手房转移登记: the transfer and
契税 in parallel, then 水电气联动过户 with the new title deed.
"""

from django.db import transaction

from zerovisit.catalog.bundles import save_bundle
from zerovisit.catalog.models import Bundle, ServiceItem
from zerovisit.org.models import Agency, Region

CITY = "320300000000"
# code, name, holder kind, the item that issues it and its agency, printed fields (as LICENSE_TYPES)
LICENSE_TYPES = [
    ("CSYXZM", "出生医学证明", "person", "出生医学证明首次签发", "徐州市卫生健康委员会", ["新生儿姓名", "出生日期"]),
    ("JMHKB", "居民户口簿", "person", "出生登记", "徐州市公安局", []),
    ("BDCQZS", "不动产权证书", "person", "不动产转移登记（二手房买卖）", "徐州市不动产登记中心",
     ["不动产坐落", "不动产单元号"]),
]  # fmt: skip

TEXT, REQUIRED = "text", True
BUNDLES = [
    {
        "code": "qiye-kaiban", "name": "企业开办", "audience": "legal", "promised_days": 1, "on_refusal": "continue",
        "description": "一张表单、一套材料，营业执照、印章刻制、发票申领、社保登记、公积金缴存登记和银行开户预约"
                       "一次办好；营业执照出具后，其余事项自动启动、并行办理，结果一次寄递。",
        "form_fields": [
            {"label": "企业名称", "type": TEXT, "required": REQUIRED},
            {"label": "住所", "type": TEXT, "required": REQUIRED},
            {"label": "经营范围", "type": "textarea", "required": REQUIRED},
            {"label": "印章种类", "type": "choice", "required": REQUIRED,
             "choices": ["公章、财务专用章、发票专用章", "公章"]},
            {"label": "印章数量", "type": "integer", "required": REQUIRED},
            {"label": "发票种类", "type": "choice", "required": REQUIRED, "choices": ["数电普通发票", "数电专用发票"]},
            {"label": "开户银行", "type": "choice", "required": REQUIRED,
             "choices": ["中国工商银行徐州分行", "中国农业银行徐州分行", "中国银行徐州分行", "中国建设银行徐州分行",
                         "江苏银行徐州分行"]},
        ],
        "members": [
            ("有限责任公司设立登记（营业执照核发）", "徐州市行政审批局", [],
             {"企业名称": "企业名称", "住所": "住所", "经营范围": "经营范围"}),
            ("印章刻制备案", "徐州市公安局", [1],
             {"单位名称": "企业名称", "印章种类": "印章种类", "印章数量": "印章数量"}),
            ("新办纳税人涉税事项（发票申领）", "国家税务总局徐州市税务局", [1],
             {"纳税人名称": "企业名称", "发票种类": "发票种类"}),
            ("社保参保登记（用人单位）", "徐州市人力资源和社会保障局", [1], {}),
            ("住房公积金单位缴存登记", "徐州住房公积金管理中心", [1], {}),
            ("企业银行开户预约", "中国人民银行徐州市分行", [1], {"企业名称": "企业名称", "开户银行": "开户银行"}),
        ],
    },
    {
        "code": "xinshenger", "name": "新生儿出生", "audience": "person", "promised_days": 5, "on_refusal": "continue",
        "description": "出生医学证明、出生登记（落户）、城乡居民医保参保登记和社会保障卡申领一次申请；"
                       "前一项办结后，后一项自动启动。",
        "form_fields": [
            {"label": "新生儿姓名", "type": TEXT, "required": REQUIRED},
            {"label": "出生日期", "type": "date", "required": REQUIRED},
        ],
        "members": [
            ("出生医学证明首次签发", "徐州市卫生健康委员会", [], {"新生儿姓名": "新生儿姓名", "出生日期": "出生日期"}),
            ("出生登记", "徐州市公安局", [1], {}),
            ("城乡居民基本医疗保险参保登记", "徐州市医疗保障局", [2], {}),
            ("社会保障卡申领", "徐州市人力资源和社会保障局", [2], {}),
        ],
    },
    {
        "code": "ershoufang", "name": "二手房转移登记及水电气联动过户", "audience": "person", "promised_days": 2,
        "on_refusal": "stop",
        "description": "不动产转移登记与契税申报同步办理，登记完成后供水、供电、燃气联动过户。",
        "form_fields": [
            {"label": "不动产坐落", "type": TEXT, "required": REQUIRED},
            {"label": "不动产单元号", "type": TEXT, "required": REQUIRED},
        ],
        "members": [
            ("不动产转移登记（二手房买卖）", "徐州市不动产登记中心", [],
             {"不动产坐落": "不动产坐落", "不动产单元号": "不动产单元号"}),
            ("个人契税申报", "国家税务总局徐州市税务局", [], {}),
            ("水电气联动过户", "徐州市城市管理局", [1], {"不动产坐落": "不动产坐落"}),
        ],
    },
]  # fmt: skip


@transaction.atomic
def load_bundles() -> int:
    """The licence types the bundles' results are (so a waiting member takes them from the library) and the three
    bundles, saved through the catalogue's checks. Loading again changes nothing; returns how many are new."""
    from zerovisit.licenses.models import LicenseType

    published = ServiceItem.objects.published()
    for code, name, holder, item_name, agency_name, printed in LICENSE_TYPES:
        agency = Agency.objects.get(name=agency_name)
        issuing = list(published.filter(name=item_name, agency=agency).values_list("impl_code", flat=True))
        LicenseType.objects.update_or_create(code=code, defaults={
            "name": name, "agency": agency, "holder_kind": holder, "validity_years": None, "number_prefix": "",
            "printed_fields": printed, "material_names": [name], "issuing_items": issuing,
        })  # fmt: skip
    city, made = Region.objects.get(code=CITY), 0
    for spec in BUNDLES:
        if Bundle.objects.filter(code=spec["code"]).exists():
            continue
        members = [
            {"position": n, "impl_code": published.get(name=name, agency__name=agency).impl_code, "after": after,
             "field_map": field_map}
            for n, (name, agency, after, field_map) in enumerate(spec["members"], start=1)
        ]  # fmt: skip
        save_bundle(actor=None, region=city, members=members,
                    **{k: v for k, v in spec.items() if k != "members"})  # fmt: skip
        made += 1
    return made
