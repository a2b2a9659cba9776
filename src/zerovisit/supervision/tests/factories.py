from zerovisit.cases import services as cases
from zerovisit.cases.tests.factories import apply


def decided(item, citizen, staff, clock, *, on, accepted_on=None, decided_on=None, approve=True, **apply_kwargs):
    """A case taken through the real services: submitted on `on`, accepted on `accepted_on` (default the same
    day), reviewed and decided on `decided_on` (default the day of acceptance). Days are (year, month, day)."""
    clock.set(*on)
    case = apply(item, citizen, **apply_kwargs)
    clock.set(*(accepted_on or on))
    cases.accept_case(actor=staff["acceptor"], number=case.number)
    clock.set(*(decided_on or accepted_on or on))
    cases.review_case(actor=staff["reviewer"], number=case.number, opinion="同意")
    return cases.decide_case(actor=staff["decider"], number=case.number, approve=approve, reasons="符合条件")
