import factory

from zerovisit.licenses.models import HolderKind, LicenseType
from zerovisit.org.tests.factories import AgencyFactory


class LicenseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenseType

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = "食品经营许可证"
    agency = factory.SubFactory(AgencyFactory)
    holder_kind = HolderKind.ORGANISATION
    validity_years = 5
    number_prefix = "JY13203000"
    printed_fields = ["经营场所", "主体业态"]
    material_names = ["食品经营许可证"]
