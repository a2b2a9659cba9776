import factory

from zerovisit.portal.models import AppCategory, AppLink, ServiceApp


class ServiceAppFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceApp

    name = factory.Sequence(lambda n: f"服务应用{n}")
    description = "查询与办理"
    category = AppCategory.LIFE
    icon_text = "服"
    link = AppLink.PAGE
    path = "/my/licenses/"
