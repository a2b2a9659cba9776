import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from zerovisit.cases.services import MaterialInput, submit_case
from zerovisit.catalog import services as catalog_services
from zerovisit.catalog.models import MaterialSpec, ProcessTemplate
from zerovisit.catalog.tests.factories import MaterialSpecFactory, ServiceItemFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


class Clock:
    """What timezone.now() returns in a test (see the `clock` fixture), so deadlines fall on known days."""

    def __init__(self):
        self.now = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)

    def set(self, year, month, day, hour=10, minute=0):
        self.now = datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def publish(agency, template="promised-1", **fields):
    """A published item of `agency` with a required and a deferrable material."""
    item = ServiceItemFactory.build(
        agency=agency, process_template=ProcessTemplate.objects.get(code=template), **fields
    )
    materials = [
        MaterialSpecFactory.build(item=None, name="申请书", necessity="required", order=1),
        MaterialSpecFactory.build(item=None, name="场所证明", necessity="deferrable", order=2),
    ]
    catalog_services.item_save_draft(actor=None, item=item, materials=materials)
    return catalog_services.item_publish(actor=None, item=item)


def pdf(name="申请书.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7 test")


def materials_for(item):
    specs = list(MaterialSpec.objects.filter(item=item).order_by("order"))
    return [MaterialInput(spec=specs[0], file=pdf()), MaterialInput(spec=specs[1], later=True)]


def apply(item, applicant, **kwargs):
    """Submit through the real service, as the applicant unless `actor` says otherwise."""
    if "materials" not in kwargs:
        kwargs["materials"] = materials_for(item)
    kwargs.setdefault("channel", "web")
    return submit_case(actor=kwargs.pop("actor", applicant.user), item=item, applicant=applicant, **kwargs)


def first_material(case):
    """The materials a correction request names: the item's first."""
    return [MaterialSpec.objects.filter(item=case.item).order_by("order").values_list("pk", flat=True)[0]]
