import factory

from zerovisit.core.identity import credit_code_check_char
from zerovisit.org.models import Agency, AgencyKind, Level, Region, ServiceHall, Window


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "320300000000"
    name = "徐州市"
    level = Level.CITY


def make_credit_code(n: int, region_code: str = "320300") -> str:
    first17 = f"11{region_code[:6]}{n:08d}1"
    return first17 + credit_code_check_char(first17)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"徐州市测试局{n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))
    region = factory.SubFactory(RegionFactory)
    kind = AgencyKind.DEPARTMENT


class ServiceHallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceHall

    name = factory.Sequence(lambda n: f"政务服务中心{n}")
    region = factory.SubFactory(RegionFactory)
    address = "徐州市新城区元和路1号"


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    hall = factory.SubFactory(ServiceHallFactory)
    name = factory.Sequence(lambda n: f"综合受理窗口{n}")


def xuzhou_places() -> dict[str, Region]:
    """A small region tree: the city, three of its counties, and a town and a village of 铜山区."""
    city = RegionFactory()
    tongshan = RegionFactory(code="320312000000", name="铜山区", level=Level.COUNTY, parent=city)
    xinyi = RegionFactory(code="320381000000", name="新沂市", level=Level.COUNTY, parent=city)
    gulou = RegionFactory(code="320302000000", name="鼓楼区", level=Level.COUNTY, parent=city)
    liuxin = RegionFactory(code="320312102000", name="柳新镇", level=Level.TOWN, parent=tongshan)
    village = RegionFactory(code="320312102201", name="柳新村", level=Level.VILLAGE, parent=liuxin)
    return {"city": city, "tongshan": tongshan, "xinyi": xinyi, "gulou": gulou, "liuxin": liuxin, "village": village}


def bureau(region: Region, n: int) -> Agency:
    return AgencyFactory(name=f"{region.name}行政审批局", region=region, credit_code=make_credit_code(n, region.code))
