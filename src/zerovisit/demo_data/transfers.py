"""The demo's power transfers (catalog.transfers).

邳州市 (相对集中行政许可权): four of its departments implement county copies of city items, and one document moves 24
of them to 邳州市行政审批局 from the first of last month — a batch per department, as each hands over its own. A
case filed with 邳州市民政局 before the job carried the batch out stays with it; cases filed since go to the bureau,
which decides them under its own seal. And the city delegates three housing items to 徐州经济技术开发区 (下放) from
the first of next month, planned and waiting for its date.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from zerovisit.catalog import services, transfers
from zerovisit.catalog.models import PowerTransfer, ServiceItem, TransferKind
from zerovisit.core.errors import DomainError
from zerovisit.org.models import Agency, Level

PIZHOU_DOCUMENT = ("邳州市人民政府关于开展相对集中行政许可权改革的通知", "邳政发〔2026〕9号")
# the city department whose items 邳州 implements too, its 邳州 counterpart, how many of them move
PIZHOU_DEPARTMENTS = [
    ("徐州市人力资源和社会保障局", "邳州市人力资源和社会保障局", 8),
    ("徐州市民政局", "邳州市民政局", 6),
    ("徐州市住房和城乡建设局", "邳州市住房和城乡建设局", 6),
    ("徐州市交通运输局", "邳州市交通运输局", 4),
]
ZONE_DOCUMENT = ("徐州市人民政府关于向徐州经济技术开发区下放部分市级行政许可事项的决定", "徐政发〔2026〕31号")
PIZHOU_CENTRE = "邳州市青年西路18号邳州市政务服务中心"


@transaction.atomic
def load_transfers() -> int:
    """How many transfers it planned (0 when they are there already)."""
    if PowerTransfer.objects.filter(document_number=PIZHOU_DOCUMENT[1]).exists():
        return 0
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    bureau = Agency.objects.get(name="邳州市行政审批局")
    held = set(ServiceItem.objects.published().filter(agency=bureau).values_list("base_code", flat=True))
    batches = []
    for city_name, county_name, count in PIZHOU_DEPARTMENTS:
        department = Agency.objects.get(name=county_name)
        sources = (ServiceItem.objects.published().filter(agency__name=city_name).exclude(base_code__in=held)
                   .order_by("impl_code"))  # fmt: skip
        copies = []
        for item in sources:
            if len(copies) == count:
                break
            if copy := _county_copy(item, department):
                copies.append(copy)
        batches.append((department, copies))
    _older_case(batches[1][1])
    planned = [
        transfers.plan_transfer(actor=None, kind=TransferKind.CONSOLIDATION, document=PIZHOU_DOCUMENT[0],
                                document_number=PIZHOU_DOCUMENT[1], effective_on=last_month,
                                from_agency=department, to_agency=bureau, impl_codes=[i.impl_code for i in items])
        for department, items in batches
    ]  # fmt: skip
    housing = Agency.objects.get(name="徐州市住房和城乡建设局")
    zone = Agency.objects.get(name="徐州经济技术开发区行政审批局")
    zone_held = ServiceItem.objects.published().filter(agency=zone).values_list("base_code", flat=True)
    delegated = ServiceItem.objects.published().filter(agency=housing).exclude(base_code__in=list(zone_held))
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    planned.append(transfers.plan_transfer(
        actor=None, kind=TransferKind.DELEGATION, document=ZONE_DOCUMENT[0], document_number=ZONE_DOCUMENT[1],
        effective_on=next_month, from_agency=housing, to_agency=zone,
        impl_codes=list(delegated.order_by("impl_code").values_list("impl_code", flat=True)[:3]),
    ))  # fmt: skip
    transfers.carry_out_due_transfers(today)
    return len(planned)


def _county_copy(item: ServiceItem, department: Agency) -> ServiceItem | None:
    """The county's implementation of a city item, published: its department, the county level, the county's
    service centre."""
    copy, materials = services.copy_of(item)
    copy.agency, copy.level, copy.impl_code = department, Level.COUNTY, ""
    copy.hall = copy.window = None
    copy.address, copy.remedy_review = PIZHOU_CENTRE, "邳州市人民政府"
    try:
        with transaction.atomic():
            services.item_save_draft(actor=None, item=copy, materials=materials, themes=list(item.themes.all()))
            return services.item_publish(actor=None, item=copy)
    except DomainError:  # a city item that cannot be a county one as it stands: left out
        return None


def _older_case(items: list[ServiceItem]) -> None:
    """zhangsan's application to one of the department's items, filed before the transfer is carried out."""
    from zerovisit.accounts.models import User
    from zerovisit.cases import services as cases

    from . import demo_applicants, demo_materials

    person = demo_applicants()[0]
    for item in items:
        plain = not any(field.get("required") for field in item.form_fields)
        if "natural_person" in item.service_objects and plain and "hall" in item.delivery_methods():
            cases.submit_case(actor=User.objects.get(username="zhangsan"), item=item, applicant=person,
                              channel="web", materials=demo_materials(item, person), idempotency_key="demo-pizhou",
                              delivery_method="hall")  # fmt: skip
            return
