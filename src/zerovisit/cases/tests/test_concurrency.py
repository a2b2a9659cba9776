"""Two members of staff act on the same case at the same moment: exactly one wins, the other gets a conflict."""

import threading

import pytest
from django.db import connections

from zerovisit.cases import services
from zerovisit.cases.models import CaseStatus

from .factories import apply, first_material

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_acceptors_at_once_one_wins_and_the_other_is_told(item, citizen, staff, agency):
    from zerovisit.accounts.models import Role
    from zerovisit.accounts.tests.factories import editor

    case = apply(item, citizen)
    second = editor(agency, role=Role.ACCEPTOR, username="acceptor2")
    barrier = threading.Barrier(2)
    outcomes = []

    def act(user, do):
        try:
            barrier.wait()
            do(user)
            outcomes.append("ok")
        except services.InvalidTransition as exc:
            outcomes.append(("conflict", exc.status, str(exc.message)))
        finally:
            connections.close_all()

    accept = lambda user: services.accept_case(actor=user, number=case.number)  # noqa: E731
    asked = first_material(case)

    def correct(user):
        return services.request_correction(actor=user, number=case.number, materials=asked, corrections=["补照片"])

    threads = [threading.Thread(target=act, args=(staff["acceptor"], accept)),
               threading.Thread(target=act, args=(second, correct))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(map(str, outcomes))[0].startswith("('conflict', 409")
    assert outcomes.count("ok") == 1
    case.refresh_from_db()
    assert case.status in (CaseStatus.ACCEPTED, CaseStatus.CORRECTION)
    assert case.events.count() == 2
