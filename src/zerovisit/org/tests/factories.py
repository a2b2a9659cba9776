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
