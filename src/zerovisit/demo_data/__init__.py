"""Demo data: the Xuzhou region tree, its agencies, halls, demo accounts, and the hand-written catalogue.

The catalogue files (items_*.json) hold rows in the implementation-list layout and go through the same importer
as any editor's file, so the demo also proves the importer. Loading twice changes nothing.
"""

import json
from pathlib import Path

from django.db import transaction

from zerovisit.accounts.models import Role, StaffRole, User
from zerovisit.catalog.models import ProcessKind, ProcessStage, ProcessTemplate, StageAction
from zerovisit.core.identity import credit_code_check_char
from zerovisit.org.models import Agency, HallKind, HallService, Level, Region, ServiceHall, Window
from zerovisit.portal.models import ServiceApp

DATA_DIR = Path(__file__).resolve().parent
DEMO_PASSWORD = "Zv-demo-2026"
# The people the demo's population register knows (accounts.registers.SimulatedRegister): ID number → name. 张三 is
# the demo's verified citizen; the others are for a newcomer to register and verify as.
REGISTER = {
    "32030219900307123X": "张三",
    "320303198506120023": "李四",
    "320311199204150037": "王五",
    "320322197809230048": "赵六",
    "320382199501010052": "孙七",
}

REGIONS = [
    # code, name, level, functional zone
    ("320000000000", "江苏省", Level.PROVINCE, False),
    ("320300000000", "徐州市", Level.CITY, False),
    ("320302000000", "鼓楼区", Level.COUNTY, False),
    ("320303000000", "云龙区", Level.COUNTY, False),
    ("320305000000", "贾汪区", Level.COUNTY, False),
    ("320311000000", "泉山区", Level.COUNTY, False),
    ("320312000000", "铜山区", Level.COUNTY, False),
    ("320321000000", "丰县", Level.COUNTY, False),
    ("320322000000", "沛县", Level.COUNTY, False),
    ("320324000000", "睢宁县", Level.COUNTY, False),
    ("320381000000", "新沂市", Level.COUNTY, False),
    ("320382000000", "邳州市", Level.COUNTY, False),
    ("320371000000", "徐州经济技术开发区", Level.COUNTY, True),
    ("320391000000", "徐州高新技术产业开发区", Level.COUNTY, True),
    ("320302004000", "丰财街道", Level.TOWN, False),
    ("320312102000", "柳新镇", Level.TOWN, False),
    ("320381104000", "瓦窑镇", Level.TOWN, False),
    ("320382001000", "运河街道", Level.TOWN, False),
    ("320302004001", "丰财街道东方社区", Level.VILLAGE, False),
    ("320312102201", "柳新镇柳新村", Level.VILLAGE, False),
    ("320381104201", "瓦窑镇马陵山村", Level.VILLAGE, False),
]

# Registration-authority and organisation-kind prefix of the credit code (GB 32100): 11 organs of state,
# 12 public institutions, 13 people's organisations, 54 village committees.
CREDIT_PREFIX = {"public_institution": "12", "other": "13", "village": "54"}

HALLS = [
    (
        "320300000000",
        "徐州市政务服务中心",
        "徐州市新城区元和路1号",
        ["综合受理窗口", "市场准入窗口", "投资建设窗口", "社会事务窗口", "政务专递窗口"],
    ),
    ("320382000000", "邳州市政务服务中心", "邳州市青年路与珠江路交叉口", ["综合受理窗口", "审批局窗口"]),
    ("320312000000", "铜山区政务服务中心", "徐州市铜山区北京南路26号", ["综合受理窗口", "审批局窗口"]),
    ("320381000000", "新沂市政务服务中心", "新沂市北京东路1号", ["综合受理窗口"]),
    ("320371000000", "徐州经济技术开发区政务服务中心", "徐州经济技术开发区杨山路1号", ["综合受理窗口"]),
    ("320391000000", "徐州高新区政务服务中心", "徐州高新区第三工业园珠江路1号", ["综合受理窗口"]),
]
HOURS = "工作日上午9:00-12:00，下午13:30-17:30（法定节假日除外）"

# Town centres and village stations (便民服务中心/站): region, name, kind, address, phone, and the base items they
# take in, 延伸服务 (accepted there) or 代办 (applied for on the person's behalf).
POINTS = [
    ("320312102000", "柳新镇便民服务中心", HallKind.TOWN, "徐州市铜山区柳新镇府前路8号", "0516-85210001",
     [("203200100100", "extended"), ("203200200100", "extended"), ("013010200100", "proxy"),
      ("013010100100", "proxy")]),
    ("320312102201", "柳新村便民服务站", HallKind.VILLAGE, "铜山区柳新镇柳新村村民委员会", "0516-85210021",
     [("203200200100", "proxy"), ("203200100100", "proxy")]),
    ("320302004000", "丰财街道便民服务中心", HallKind.TOWN, "徐州市鼓楼区丰财街道平山路12号", "0516-85830001",
     [("203200100100", "extended"), ("203200300100", "extended")]),
    ("320302004001", "东方社区便民服务站", HallKind.VILLAGE, "鼓楼区丰财街道东方社区居民委员会", "0516-85830021",
     [("203200100100", "proxy"), ("203200300100", "proxy")]),
    ("320381104000", "瓦窑镇便民服务中心", HallKind.TOWN, "新沂市瓦窑镇人民路6号", "0516-88510001",
     [("203200300100", "extended"), ("013010200100", "proxy")]),
    ("320381104201", "马陵山村便民服务站", HallKind.VILLAGE, "新沂市瓦窑镇马陵山村村民委员会", "0516-88510021",
     [("203200100100", "extended"), ("203200200100", "extended")]),
    ("320382001000", "运河街道便民服务中心", HallKind.TOWN, "邳州市运河街道建设中路18号", "0516-86220001",
     [("013010200100", "proxy"), ("013010100100", "proxy")]),
]  # fmt: skip
POINT_HOURS = "工作日上午8:30-12:00，下午14:00-17:30"

# The mobile flagship store's service apps: name, description, category, owner agency, icon text, link kind,
# target (portal path, base code or https address), identity level, featured.
APPS = [
    ("社保查询", "查询个人社会保险参保、缴费记录，打印参保证明", "social", "徐州市人力资源和社会保障局", "社",
     "item", "202030900100", 2, True),
    ("灵活就业参保缴费", "灵活就业人员社会保险费网上缴纳", "social", "徐州市人力资源和社会保障局", "缴",
     "item", "042090200300", 2, False),
    ("退休待遇申领", "职工基本养老保险退休待遇网上申领", "social", "徐州市人力资源和社会保障局", "退",
     "item", "052030400100", 2, False),
    ("公积金提取", "购房、还贷提取住房公积金，秒批到账", "housing_fund", "徐州住房公积金管理中心", "金",
     "item", "202050100100", 2, True),
    ("公积金还贷提取", "偿还住房贷款本息提取住房公积金", "housing_fund", "徐州住房公积金管理中心", "贷",
     "item", "202050100200", 2, False),
    ("公积金缴存查询", "个人缴存明细、余额和贷款进度查询", "housing_fund", "徐州住房公积金管理中心", "存",
     "outside", "https://gjj.xz.gov.cn/", 2, False),
    ("水费缴纳", "徐州市区供水户号查询与缴费", "bills", "徐州市水务局", "水",
     "outside", "https://www.xzwater.com/", 1, True),
    ("燃气缴费", "管道燃气费用查询与缴纳", "bills", "徐州市城市管理局", "气",
     "outside", "https://www.xzgas.com/", 1, False),
    ("电子税务局", "个人所得税、社保费缴纳与发票查询", "bills", "国家税务总局徐州市税务局", "税",
     "outside", "https://etax.jiangsu.chinatax.gov.cn/", 2, False),
    ("市民卡服务", "徐州市民卡申领、挂失、充值与网点查询", "citizen_card", "徐州市人力资源和社会保障局", "卡",
     "outside", "https://www.xzsmk.cn/", 2, True),
    ("市民卡网点", "附近的市民卡与社保卡服务网点", "citizen_card", None, "点",
     "page", "/service-points/", 0, False),
    ("我的电子证照", "营业执照、许可证等电子证照随身带、亮证用证", "life", None, "证",
     "page", "/my/licenses/", 2, True),
    ("证照核验", "扫码或输入编号核验电子证照真伪", "life", None, "验",
     "page", "/licenses/verify/", 0, False),
    ("户口迁移", "夫妻投靠、父母投靠子女等户口迁移网上办", "life", "徐州市公安局", "户",
     "item", "012010200100", 2, False),
    ("居住证申领", "来徐人员居住证网上申领", "life", "徐州市公安局", "居",
     "item", "202010400100", 2, False),
    ("出生登记", "新生儿出生登记、落户一次办", "life", "徐州市公安局", "生",
     "item", "072010100100", 2, False),
    ("便民服务点", "镇（街道）便民服务中心和村（社区）便民服务站", "city", None, "站",
     "page", "/service-points/", 0, False),
    ("智慧徐州", "城市资讯、政务公开与 12345 诉求", "city", None, "徐",
     "outside", "https://www.xz.gov.cn/", 0, True),
    ("驾驶证换证", "机动车驾驶证有效期满换证", "travel", "徐州市公安局", "驾",
     "item", "012011000100", 2, False),
    ("公交出行", "徐州公交线路、实时到站查询", "travel", "徐州市交通运输局", "交",
     "outside", "https://www.xzbus.com/", 0, False),
    ("医保服务", "医保参保、异地就医备案与个人账户查询", "health", "徐州市医疗保障局", "医",
     "outside", "https://ybj.xz.gov.cn/", 2, True),
    ("预约挂号", "市属医院预约挂号与检查报告查询", "health", "徐州市卫生健康委员会", "诊",
     "outside", "https://wjw.xz.gov.cn/", 3, False),
    ("企业开办", "营业执照、印章、发票、社保一网通办", "business", "徐州市行政审批局", "企",
     "item", "011010100100", 2, True),
    ("不动产登记", "不动产抵押、转移登记网上申请", "business", "徐州市不动产登记中心", "房",
     "item", "071080300100", 2, False),
]  # fmt: skip
# Out of service in the demo, to show how the directory says so.
UNAVAILABLE_APPS = {"燃气缴费": "系统升级维护中，预计12月5日恢复"}

# A joint review (联合审图, 并联审批) needs the agencies of the region, so it comes with the demo, not the migrations.
JOINT_TEMPLATE = {
    "code": "joint-construction",
    "name": "工程建设项目并联审批流程",
    "agencies": ["徐州市住房和城乡建设局", "徐州市自然资源和规划局", "徐州市消防救援支队", "徐州市人民防空办公室"],
    "stages": [("accept", "受理", "acceptor", 10), ("joint_review", "联合审查", "reviewer", 60),
               ("decide", "决定", "decider", 30)],
}  # fmt: skip

USERS = [
    # username, display name, agency, roles, superuser
    # 三员分立: the system administrator (the superuser), the security administrator, the audit administrator.
    ("admin", "系统管理员", None, [], True),
    ("anquan", "安全管理员", None, [Role.SECURITY_ADMIN], False),
    ("shenji", "审计管理员", None, [Role.AUDITOR], False),
    ("spj_admin", "市审批局事项管理员", "徐州市行政审批局", [Role.REGION_CATALOGUE_ADMIN], False),
    ("scjg_editor", "市市场监管局事项管理员", "徐州市市场监督管理局", [Role.CATALOGUE_EDITOR], False),
    ("pz_editor", "邳州市审批局事项管理员", "邳州市行政审批局", [Role.CATALOGUE_EDITOR], False),
    ("spj_shouli", "市审批局受理人", "徐州市行政审批局", [Role.ACCEPTOR], False),
    ("spj_shencha", "市审批局审查人", "徐州市行政审批局", [Role.REVIEWER], False),
    ("spj_jueding", "市审批局决定人", "徐州市行政审批局", [Role.DECIDER], False),
    ("pz_shouli", "邳州市审批局受理人", "邳州市行政审批局", [Role.ACCEPTOR], False),
    ("pz_shencha", "邳州市审批局审查人", "邳州市行政审批局", [Role.REVIEWER], False),
    ("pz_jueding", "邳州市审批局决定人", "邳州市行政审批局", [Role.DECIDER], False),
    ("shi_jiandu", "市政务服务监督员", "徐州市行政审批局", [Role.REGION_SUPERVISOR], False),
    # The agencies of 企业开办 (一件事) besides the bureau, each at its window in the hall's 企业开办专区.
    ("ga_shouli", "市公安局窗口", "徐州市公安局", [Role.ACCEPTOR], False),
    ("sw_shouli", "市税务局窗口", "国家税务总局徐州市税务局", [Role.ACCEPTOR], False),
    ("rs_shouli", "市人社局窗口", "徐州市人力资源和社会保障局", [Role.ACCEPTOR], False),
    ("gjj_shouli", "市公积金中心窗口", "徐州住房公积金管理中心", [Role.ACCEPTOR], False),
    ("yh_shouli", "人民银行开户服务窗口", "中国人民银行徐州市分行", [Role.ACCEPTOR], False),
    ("zhangsan", "张三", None, [], False),
]
DEMO_COMPANY = ("徐州市彭城餐饮管理有限公司", "91320300MA1PCCY20")  # the check character is added below
# The demo's market-entity register (accounts.registers.SimulatedEntityRegister): credit code → (name, the legal
# representative's ID number). 李四 may claim his company online once he is verified.
ENTITIES = {
    DEMO_COMPANY[1] + credit_code_check_char(DEMO_COMPANY[1]): (DEMO_COMPANY[0], "32030219900307123X"),
    "91320303MA1YLKJ30Y": ("徐州市云龙数字科技有限公司", "320303198506120023"),
}


def agency_rows():
    for line in (DATA_DIR / "agencies.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("|")


def credit_code(index: int, region_code: str, kind: str) -> str:
    """A well-formed code with a valid check character, stable across runs."""
    first17 = CREDIT_PREFIX.get(kind, "11") + region_code[:6] + f"{14_000_000 + index * 1237:08d}" + "1"
    return first17 + credit_code_check_char(first17)


@transaction.atomic
def load_organisation() -> None:
    regions = {}
    for code, name, level, zone in REGIONS:
        ancestors = [r for r in regions.values() if code.startswith(r.prefix) and r.level < level]
        parent = max(ancestors, key=lambda r: r.level, default=None)
        regions[code], _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "is_functional_zone": zone, "parent": parent}
        )
    for index, (region_code, name, kind) in enumerate(agency_rows(), start=1):
        Agency.objects.update_or_create(
            name=name,
            defaults={
                "credit_code": credit_code(index, region_code, kind),
                "region": regions[region_code],
                "kind": kind,
                "display_order": index,
            },
        )
    load_joint_template()
    for region_code, name, address, windows in HALLS:
        hall, _ = ServiceHall.objects.update_or_create(
            region=regions[region_code],
            name=name,
            defaults={"address": address, "opening_hours": HOURS, "phone": "12345"},
        )
        for window in windows:
            Window.objects.get_or_create(hall=hall, name=window)
    for region_code, name, kind, address, phone, services in POINTS:
        hall, _ = ServiceHall.objects.update_or_create(
            region=regions[region_code],
            name=name,
            defaults={"kind": kind, "address": address, "opening_hours": POINT_HOURS, "phone": phone},
        )
        for base_code, mode in services:
            HallService.objects.update_or_create(hall=hall, base_code=base_code, defaults={"mode": mode})


# An app people may let act for them over OAuth 2.0 (accounts.oauth): public (no secret), PKCE; its redirect
# address is the loopback port of the README's script, where nothing needs to listen: the code is in the address.
OAUTH_APP = {"client_id": "zerovisit-demo-app", "name": "徐州政务服务App（演示）",
             "redirect_uris": "http://127.0.0.1:8765/callback"}  # fmt: skip


def load_oauth_app() -> str:
    """The demo's OAuth application; idempotent (by client id)."""
    from oauth2_provider.models import Application

    Application.objects.update_or_create(client_id=OAUTH_APP["client_id"], defaults={
        "name": OAUTH_APP["name"], "redirect_uris": OAUTH_APP["redirect_uris"], "algorithm": "",
        "client_type": Application.CLIENT_PUBLIC, "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
    })  # fmt: skip
    return OAUTH_APP["client_id"]


def load_apps() -> int:
    """The service-app directory; idempotent (by name)."""
    agencies = {agency.name: agency for agency in Agency.objects.filter(name__in={row[3] for row in APPS if row[3]})}
    for order, (name, description, category, agency, icon, link, target, level, featured) in enumerate(APPS):
        app = ServiceApp.objects.filter(name=name).first() or ServiceApp(name=name)
        app.description, app.category, app.agency, app.icon_text = description, category, agencies.get(agency), icon
        app.link, app.identity_level, app.featured, app.display_order = link, level, featured, order
        app.path, app.base_code, app.url = (target if link == kind else "" for kind in ("page", "item", "outside"))
        app.available, app.unavailable_note = name not in UNAVAILABLE_APPS, UNAVAILABLE_APPS.get(name, "")
        app.full_clean()
        app.save()
    return len(APPS)


def load_joint_template() -> None:
    template, created = ProcessTemplate.objects.get_or_create(
        code=JOINT_TEMPLATE["code"], defaults={"name": JOINT_TEMPLATE["name"], "kind": ProcessKind.JOINT}
    )
    if created:
        agencies = Agency.objects.filter(name__in=JOINT_TEMPLATE["agencies"])
        for order, (action, name, role, share) in enumerate(JOINT_TEMPLATE["stages"], start=1):
            stage = ProcessStage.objects.create(
                template=template, order=order, action=action, name=name, role=role, share=share
            )
            if action == StageAction.JOINT_REVIEW:
                stage.agencies.set(agencies)


@transaction.atomic
def load_users() -> list[tuple[str, str]]:
    from zerovisit.accounts import audit as account_audit

    accounts = []
    for username, display_name, agency_name, roles, superuser in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "is_superuser": superuser,
                "is_staff": superuser or bool(agency_name) or bool(roles),
                "agency": Agency.objects.get(name=agency_name) if agency_name else None,
            },
        )
        before = {} if created else account_audit.account_state(user)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for role in roles:
            StaffRole.objects.get_or_create(user=user, role=role)
        if created:
            account_audit.record_account_created(actor=None, user=user, via="demo")
        else:
            account_audit.record_account_changed(actor=None, user=user, before=before, via="demo")
        accounts.append((username, display_name))
    return accounts


def demo_applicants():
    """zhangsan and his company, both his own, linked as an administrator does after checking who he is: his
    account is real-name verified (level 2)."""
    from zerovisit.accounts.services import applicant_for, link_applicant
    from zerovisit.accounts.services.identity import phone_fields

    zhangsan = User.objects.get(username="zhangsan")
    if not zhangsan.phone_hash:  # he signs in with his mobile number too (an SMS code, or the password)
        User.objects.filter(pk=zhangsan.pk).update(**phone_fields("13812341234"))
    name, code = DEMO_COMPANY
    found = (
        applicant_for(kind="person", name="张三", id_number="32030219900307123X", phone="13812341234"),
        applicant_for(kind="organisation", name=name, credit_code=code + credit_code_check_char(code),
                      phone="13812341234"),
    )  # fmt: skip
    return [link_applicant(actor=None, applicant=applicant, account=zhangsan) for applicant in found]


def demo_materials(item, applicant) -> list:
    """Uploads of an item's required materials, except what the licence library holds: that is taken from there."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zerovisit.cases import services as cases
    from zerovisit.catalog.models import MaterialSource, Necessity
    from zerovisit.licenses import selectors as license_selectors

    held = license_selectors.for_materials(applicant, {spec.name for spec in item.materials.all()})
    inputs = []
    for spec in item.materials.all():
        if spec.source == MaterialSource.LICENSE_LIBRARY and spec.name in held:
            continue
        if spec.source == MaterialSource.GOVERNMENT:
            inputs.append(cases.MaterialInput(spec=spec, reference="人口库：法定代表人身份信息"))
        elif spec.necessity == Necessity.DEFERRABLE:
            inputs.append(cases.MaterialInput(spec=spec, later=True))
        elif spec.necessity == Necessity.REQUIRED:
            file = SimpleUploadedFile(f"{spec.name[:40]}.pdf", b"%PDF-1.4\n% zerovisit demo material\n")
            inputs.append(cases.MaterialInput(spec=spec, file=file))
    return inputs


def load_cases() -> list[str]:
    """Two applications of zhangsan's company, one waiting for acceptance and one for review, so the workbench
    has work. Submitted through the real services with fixed idempotency keys: loading again adds nothing."""
    from zerovisit.cases import services as cases
    from zerovisit.cases.models import Case, CaseStatus
    from zerovisit.catalog.models import ServiceItem

    zhangsan = User.objects.get(username="zhangsan")
    company = demo_applicants()[1]

    answers = {
        "食品经营许可": {
            "经营场所": "徐州市云龙区和平路88号", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售",
            "经营场所面积（平方米）": "120", "从业人员数": "8",
        },
        "公共场所卫生许可": {
            "场所名称": "云龙美发工作室", "场所地址": "徐州市云龙区和平路90号", "经营类别": "美容美发场所",
            "营业面积（平方米）": "60", "从业人员数": "4", "持健康合格证明人数": "4",
        },
    }  # fmt: skip
    numbers = []
    for key, item_name in (("demo-1", "食品经营许可"), ("demo-2", "公共场所卫生许可")):
        item = ServiceItem.objects.published().get(name=item_name, agency__name="徐州市行政审批局")
        by_courier = "courier" in item.delivery_methods() and key == "demo-1"
        case = cases.submit_case(
            actor=zhangsan, item=item, applicant=company, channel="web", materials=demo_materials(item, company),
            form_data=answers[item_name], idempotency_key=key,
            delivery_method="courier" if by_courier else "hall",
            delivery_address={"name": "张三", "phone": "13812341234", "region": "320303000000",
                              "address": "徐州市云龙区和平路88号"} if by_courier else None,
        )  # fmt: skip
        numbers.append(case.number)
    second = Case.objects.get(number=numbers[1])
    if second.status == CaseStatus.SUBMITTED:
        cases.accept_case(actor=User.objects.get(username="spj_shouli"), number=second.number, opinion="材料齐全")
    return numbers


LICENSE_TYPES = [
    # code, name, holder kind, years (None: without limit), number prefix, printed fields, items issuing it
    ("YYZZ", "营业执照", "organisation", None, "",
     ["住所", "经营范围"], ["有限责任公司设立登记（营业执照核发）", "营业执照变更登记（公司变更登记）"]),
    ("SPJY", "食品经营许可证", "organisation", 5, "JY13203000",
     ["经营场所", "主体业态", "经营项目"], ["食品经营许可", "食品经营许可变更", "食品经营许可延续"]),
    ("GGCSWS", "公共场所卫生许可证", "organisation", 4, "XWGZ2026",
     ["场所名称", "场所地址", "经营类别", "营业面积（平方米）"],
     ["公共场所卫生许可", "公共场所卫生许可（告知承诺制）", "公共场所卫生许可变更"]),
]  # fmt: skip


def load_licenses() -> int:
    """The bureau's licence catalogue (营业执照, 食品经营许可证, 公共场所卫生许可证), linked to the items that issue
    them and to the materials they stand in for, and the demo company's business licence in the library."""
    from zerovisit.catalog.models import ServiceItem
    from zerovisit.licenses import services as licenses
    from zerovisit.licenses.models import License, LicenseType

    bureau = Agency.objects.get(name="徐州市行政审批局")
    published = ServiceItem.objects.published().filter(agency=bureau)
    for code, name, holder, years, prefix, printed, items in LICENSE_TYPES:
        LicenseType.objects.update_or_create(code=code, defaults={
            "name": name, "agency": bureau, "holder_kind": holder, "validity_years": years, "number_prefix": prefix,
            "printed_fields": printed, "material_names": [name],
            "issuing_items": list(published.filter(name__in=items).values_list("impl_code", flat=True)),
        })  # fmt: skip
    company = demo_applicants()[1]
    name, code = company.name, company.credit_code
    if License.objects.filter(license_type__code="YYZZ", number=code).exists():
        return 0
    licenses.issue_license(
        license_type=LicenseType.objects.get(code="YYZZ"), holder_kind="organisation", holder_name=name,
        holder_code=code, holder=company, number=code,
        data={"住所": "徐州市云龙区和平路88号", "经营范围": "餐饮服务；食品销售；餐饮管理"},
    )  # fmt: skip
    return 1


def catalogue_rows() -> list[tuple[int, dict]]:
    """All demo item rows, numbered across the files in order (for the import report)."""
    rows = []
    for path in sorted(DATA_DIR.glob("items_*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            rows.append((len(rows) + 2, {k: "" if v is None else str(v) for k, v in row.items()}))
    return rows
