"""Fill the catalogue with generated published items up to a target size, for benchmarks.

10,176 is Xuzhou's catalogue, 100,000 a province's. Items are built from realistic name parts across the
existing agencies (plus generated county agencies when more are needed), validated with the catalogue's own
consistency rules, and written in bulk with their materials and search terms: going through the per-item
services would take hours at this size and prove nothing more.
"""

import itertools
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from zerovisit.catalog import search
from zerovisit.catalog.models import ItemStatus, ItemType, MaterialSpec, ProcessTemplate, SearchTerm, ServiceItem
from zerovisit.core.identity import credit_code_check_char
from zerovisit.org.models import Agency, Level, Region

SUBJECTS = (
    "食品经营许可 食品生产许可 药品经营许可 医疗器械经营许可 建筑业企业资质 道路货物运输经营许可 道路旅客运输经营许可 "
    "出租汽车经营许可 公共场所卫生许可 个体工商户营业执照 企业营业执照 户口迁移 居民身份证 普通护照 往来港澳通行证 "
    "社会保险参保登记 住房公积金提取 住房公积金贷款 最低生活保障 临时救助 残疾人两项补贴 婚姻登记 生育登记 "
    "建设工程规划许可 建筑工程施工许可 不动产首次登记 不动产转移登记 不动产抵押登记 排污许可 取水许可 "
    "燃气经营许可 烟花爆竹经营许可 危险化学品经营许可 特种设备使用登记 网络文化经营许可 娱乐场所经营许可 "
    "旅行社业务经营许可 人力资源服务许可 劳务派遣经营许可 民办学校办学许可 医疗机构执业登记 护士执业注册 "
    "医师执业注册 执业药师注册 律师执业许可 法律援助 公证 机动车驾驶证 机动车登记 船舶登记 渔业捕捞许可 "
    "林木采伐许可 动物防疫条件合格证 农药经营许可 兽药经营许可 种子生产经营许可 城市道路占用挖掘许可 "
    "户外广告设施设置许可 城镇污水排入排水管网许可 建筑垃圾处置核准 消防设计审查 人防工程设计审查 "
    "气象设施建设许可 雷电防护装置设计审核 档案查询 失业保险金申领 职业技能等级认定 退役军人优待证 "
    "高龄津贴 老年人优待证 社会团体登记 民办非企业单位登记 宗教活动场所登记 残疾人证"
).split()
ACTIONS = "核发 变更 延续 注销 补办 换发 申请 备案 登记 查询 审核 认定".split()
QUALIFIERS = [""] + [
    f"（{q}）"
    for q in (
        "新办 首次申请 到期换证 遗失补领 跨省通办 市内迁移 省内迁移 单位申请 个人申请 法人变更 地址变更 名称变更 "
        "经营范围变更 负责人变更 分支机构 连锁企业 小微企业 告知承诺 简易程序 一般程序"
    ).split()
]


def _credit_code(n: int, region_code: str) -> str:
    first17 = f"11{region_code[:6]}{90_000_000 + n:08d}1"
    return first17 + credit_code_check_char(first17)


class Command(BaseCommand):
    help = "Fill the catalogue with generated published items up to --items (e.g. 10176 or 100000)."

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, items: int, seed: int, batch: int, **options):
        existing = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).count()
        wanted = items - existing
        if wanted <= 0:
            self.stdout.write(f"The catalogue already has {existing} published items.")
            return
        agencies = self._agencies(wanted)
        rng = random.Random(seed)
        types = list(ItemType.objects.all())
        self.templates = {t.code: t for t in ProcessTemplate.objects.all()}
        names = [s + a + q for s, a, q in itertools.product(SUBJECTS, ACTIONS, QUALIFIERS)]
        rng.shuffle(names)
        next_code = ServiceItem.objects.count() + 1
        with tqdm(total=wanted, desc="generate", unit="items", disable=options["verbosity"] == 0) as bar:
            for start in range(0, wanted, batch):
                size = min(batch, wanted - start)
                built = [self._item(rng, agencies, types, names, next_code + start + i) for i in range(size)]
                self._write(built)
                bar.update(size)
        if connection.vendor == "postgresql":
            # Fresh planner statistics after a bulk load, as autovacuum would give them a little later.
            with connection.cursor() as cursor:
                for model in (ServiceItem, MaterialSpec, SearchTerm):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        self.stdout.write(f"Published items: {ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).count()}.")

    def _agencies(self, wanted: int) -> list[Agency]:
        """The existing agencies, plus generated county-level ones so that no agency holds more than ~400."""
        agencies = list(Agency.objects.select_related("region"))
        if not agencies:
            raise CommandError("No agencies: run `zerovisit load_demo` first.")
        city = Region.objects.filter(level=Level.CITY).first() or agencies[0].region
        needed = wanted // 400 - len(agencies)
        if needed > 0:
            region, _ = Region.objects.get_or_create(
                code=city.code[:4] + "99000000",
                defaults={"name": "基准测试县", "level": Level.COUNTY, "parent": city},
            )
            Agency.objects.bulk_create(
                [
                    Agency(
                        name=f"基准测试部门{n:05d}",
                        credit_code=_credit_code(n, region.code),
                        region=region,
                        kind="department",
                    )
                    for n in range(needed)
                ],
                ignore_conflicts=True,
            )
            agencies = list(Agency.objects.select_related("region"))
        return agencies

    def _item(self, rng, agencies, types, names, n) -> ServiceItem:
        agency = agencies[n % len(agencies)]
        item_type = rng.choice(types)
        legal = rng.choice([None, 5, 10, 15, 20, 20, 20, 30, 45])
        instant = rng.random() < 0.2
        promised = 0 if instant else rng.randint(1, min(legal or 15, 15))
        visits = 1 if rng.random() < 0.004 else 0
        level = {Level.CITY: 3, Level.COUNTY: 4, Level.TOWN: 5, Level.VILLAGE: 6}.get(agency.region.level, 3)
        base_code = f"{item_type.code}{n:07d}{rng.randint(0, 999):03d}"
        item = ServiceItem(
            impl_code=f"{agency.credit_code}{level}{base_code}",
            version=1,
            status=ItemStatus.PUBLISHED,
            name=names[n % len(names)],
            base_code=base_code,
            item_type=item_type,
            agency=agency,
            region_id=agency.region_id,
            level=level,
            legal_basis="《中华人民共和国行政许可法》第三十条",
            legal_days=legal,
            promised_days=promised,
            case_kind="instant" if instant else "promised",
            handling_forms=["online", "mail"],
            visits_required=visits,
            visits_reason="现场核验原件" if visits else "",
            online_depth=[1, 2, 3, 4, 5, 6],
            online_level=3 if visits else 4,
            online_available=True,
            mobile_available=rng.random() < 0.7,
            mail_results=True,
            conditions="符合法定条件的申请人",
            service_objects=["natural_person", "enterprise"],
            process_template=self.templates["instant" if instant else "promised-1"],
            result_type="license",
            result_name="批准文书",
            consult_phone="0516-12345678",
            complaint_phone="12345",
            is_high_frequency=rng.random() < 0.05,
            is_convenience=rng.random() < 0.3,
            is_investment=rng.random() < 0.1,
            published_at=timezone.now(),
        )
        if errors := item.consistency_errors():
            raise CommandError(f"Generated an inconsistent item {item.impl_code}: {errors}")
        return item

    @transaction.atomic
    def _write(self, items: list[ServiceItem]) -> None:
        ServiceItem.objects.bulk_create(items)
        if items[0].pk is None:  # SQLite before 3.35 does not return ids from bulk inserts
            codes = {i.impl_code: i for i in items}
            for pk, code in ServiceItem.objects.filter(impl_code__in=codes).values_list("pk", "impl_code"):
                codes[code].pk = pk
        MaterialSpec.objects.bulk_create(
            MaterialSpec(
                item=i,
                name=name,
                material_type=mtype,
                form="electronic",
                necessity="required",
                source=source,
                order=order,
            )
            for i in items
            for order, (name, mtype, source) in enumerate(
                [("申请表", "form", "online_form"), ("营业执照或身份证件", "e_license", "license_library")], 1
            )
        )
        SearchTerm.objects.bulk_create(
            (SearchTerm(item_id=i.pk, term=t, weight=w) for i in items for t, w in search.terms_for(i).items()),
            batch_size=5000,
        )
