import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import editor
from zerovisit.cases import services
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


def publish(agency, template="promised-1", extra_materials=(), **fields):
    """A published item of `agency` with a required and a deferrable material (and `extra_materials`: field values
    of more MaterialSpecs)."""
    item = ServiceItemFactory.build(
        agency=agency, process_template=ProcessTemplate.objects.get(code=template), **fields
    )
    materials = [
        MaterialSpecFactory.build(item=None, name="申请书", necessity="required", order=1),
        MaterialSpecFactory.build(item=None, name="场所证明", necessity="deferrable", order=2),
        *(MaterialSpecFactory.build(item=None, order=3 + n, **extra) for n, extra in enumerate(extra_materials)),
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


def staff_of(agency):
    """An acceptor, a reviewer and a decider of `agency`, by role."""
    return {role: editor(agency, role=role) for role in (Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER)}


def approve(case, staff):
    """Accept, review and approve the case, each by its own member of `staff` (staff_of)."""
    services.accept_case(actor=staff["acceptor"], number=case.number)
    services.review_case(actor=staff["reviewer"], number=case.number, opinion="符合条件")
    return services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="准予")


def founding_bundle(bureau, police, social, by_courier=False, **fields):
    """企业开办 in small: 营业执照 of the approval bureau; then 印章刻制备案 of the police, which takes the 营业执照
    from the licence library; and 社保登记 in parallel (`by_courier`: every result may come by courier). Returns
    (bundle, {name: item})."""
    from zerovisit.catalog.bundles import save_bundle
    from zerovisit.licenses.tests.factories import LicenseTypeFactory

    name_field = {"label": "企业名称", "type": "text", "required": True}
    items = {
        "营业执照": publish(bureau, name="营业执照", form_fields=[name_field], mail_results=by_courier),
        "印章刻制备案": publish(police, name="印章刻制备案", form_fields=[{**name_field, "label": "单位名称"}],
                            extra_materials=[{"name": "营业执照", "source": "license_library"}],
                            mail_results=by_courier, result_name="印章备案回执"),
        "社保登记": publish(social, name="社保登记", mail_results=by_courier, result_name="社保登记证"),
    }  # fmt: skip
    LicenseTypeFactory(name="营业执照", code="LIC", agency=bureau, holder_kind="person", number_prefix="YY",
                       issuing_items=[items["营业执照"].impl_code], material_names=["营业执照"],
                       printed_fields=["企业名称"])  # fmt: skip
    bundle = save_bundle(
        actor=None, code="qiye-kaiban", name="企业开办", region=bureau.region, audience="legal", promised_days=8,
        form_fields=[{"label": "企业名称", "type": "text", "required": True}],
        members=[
            {"position": 1, "impl_code": items["营业执照"].impl_code, "field_map": {"企业名称": "企业名称"}},
            {"position": 2, "impl_code": items["印章刻制备案"].impl_code, "after": [1],
             "field_map": {"单位名称": "企业名称"}},
            {"position": 3, "impl_code": items["社保登记"].impl_code},
        ],
        **fields,
    )  # fmt: skip
    return bundle, items
