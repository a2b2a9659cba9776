import factory

from zerovisit.catalog import services
from zerovisit.catalog.models import CaseKind, ItemType, MaterialSpec, ProcessTemplate, ReformMode, ServiceItem
from zerovisit.catalog.models.item import ART_42_DAYS
from zerovisit.org.tests.factories import AgencyFactory, bureau


class ServiceItemFactory(factory.django.DjangoModelFactory):
    """A valid draft item. Use `published_item()` for one that the portal shows."""

    class Meta:
        model = ServiceItem

    name = factory.Sequence(lambda n: f"测试事项{n}")
    base_code = factory.Sequence(lambda n: f"01{n + 1:05d}00000")
    item_type = factory.LazyFunction(lambda: ItemType.objects.get(code="01"))
    agency = factory.SubFactory(AgencyFactory)
    region = factory.LazyAttribute(lambda o: o.agency.region)
    level = 3
    impl_code = factory.LazyAttribute(lambda o: f"{o.agency.credit_code}{o.level}{o.base_code}")
    legal_basis = "《中华人民共和国行政许可法》第三十二条"
    legal_days = 20
    promised_days = 5
    case_kind = CaseKind.PROMISED
    reform_mode = ""
    # A 告知承诺 item needs the limit of the normal procedure: its legal limit unless a test says otherwise.
    normal_promised_days = factory.LazyAttribute(
        lambda o: (o.legal_days or ART_42_DAYS) if o.reform_mode == ReformMode.COMMITMENT else None
    )
    handling_forms = ["online"]
    online_depth = [1, 2, 3, 4, 5, 6]
    online_level = 4
    online_available = True
    process_template = factory.LazyFunction(lambda: ProcessTemplate.objects.get(code="promised-1"))
    conditions = "申请人具备相应条件"
    service_objects = ["enterprise"]
    result_type = "license"
    result_name = "许可证"
    consult_phone = "0516-83735000"
    complaint_phone = "12345"


class MaterialSpecFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialSpec

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"申请材料{n}")
    material_type = "form"
    form = "electronic"
    necessity = "required"
    source = "applicant"
    order = factory.Sequence(lambda n: n)


def published_item(**kwargs) -> ServiceItem:
    """A published, indexed item, made through the real services."""
    kwargs.setdefault("agency", AgencyFactory())
    item = ServiceItemFactory.build(**kwargs)
    services.item_save_draft(actor=None, item=item, materials=[MaterialSpecFactory.build(item=None)])
    return services.item_publish(actor=None, item=item)


def row(**overrides) -> dict[str, str]:
    """A valid implementation-list row for the agency named in `实施主体` (which the test must create)."""
    base = {
        "事项名称": "食品经营许可证核发",
        "基本编码": "010001000100",
        "事项类型": "01 行政许可",
        "实施主体": "徐州市测试局",
        "行使层级": "市级",
        "设定依据": "《中华人民共和国食品安全法》第三十五条",
        "法定办结时限": "20",
        "承诺办结时限": "5",
        "办件类型": "承诺件",
        "办理形式": "网上办理；快递申请",
        "到办事现场次数": "0",
        "网上办理深度": "咨询；收件；预审；受理；办理；结果反馈",
        "网办深度等级": "Ⅳ级",
        "是否网上办理": "是",
        "是否支持移动端": "是",
        "支持结果快递": "是",
        "受理条件": "取得营业执照",
        "服务对象": "企业法人；非法人企业",
        "法人主题": "准营准办",
        "生命周期": "开办",
        "办理结果类型": "证照",
        "办理结果名称": "食品经营许可证",
        "咨询电话": "0516-83735000",
        "监督投诉电话": "12345",
        "重点领域": "高频",
        "申请材料": "食品经营许可申请书|申请表|电子|必要|在线填报|1|\n"
        "营业执照|电子证照|电子|必要|调取电子证照库|1|系统自动调取",
    }
    base.update(overrides)
    return base


def placed_catalogue(places: dict) -> dict[str, ServiceItem]:
    """Implementations of three base items over org.tests.factories.xuzhou_places(): 个体工商户设立登记 by two
    districts only, 食品经营许可 by the city and by 铜山区, 老年人优待证办理 by a town."""
    bureaus = {key: bureau(region, n) for n, (key, region) in enumerate(places.items(), start=1)}

    def item(key, name, base_code, level):
        return published_item(name=name, base_code=base_code, agency=bureaus[key], level=level)

    return {
        "sole_trader_tongshan": item("tongshan", "个体工商户设立登记", "013010200100", 4),
        "sole_trader_xinyi": item("xinyi", "个体工商户设立登记", "013010200100", 4),
        "food_city": item("city", "食品经营许可", "013010100100", 3),
        "food_tongshan": item("tongshan", "食品经营许可", "013010100100", 4),
        "elderly_liuxin": item("liuxin", "老年人优待证办理", "013200100100", 5),
    }
