from zerovisit.cases import services as cases
from zerovisit.cases.tests.factories import apply

ADDRESS = {"name": "张三", "phone": "13812341234", "region": "320303000000", "address": "徐州市云龙区和平路88号"}


def approved_by_courier(item, citizen, staff, address=ADDRESS):
    """A case of `item` applied for with delivery by courier, accepted, reviewed and approved."""
    case = apply(item, citizen, delivery_method="courier", delivery_address=address)
    cases.accept_case(actor=staff["acceptor"], number=case.number)
    cases.review_case(actor=staff["reviewer"], number=case.number, opinion="符合")
    return cases.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="准予")
