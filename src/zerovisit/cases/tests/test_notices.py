"""Written notices: rendered as PDF by a task after each step, downloadable by those who see the case, and checked
by anyone on the public verification page behind their QR code."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zerovisit.cases import services
from zerovisit.cases.models import CaseNotice
from zerovisit.core.tests.helpers import run_ready_tasks

from .factories import apply, first_material


@pytest.fixture
def accepted(clock, item, citizen, staff):
    case = apply(item, citizen)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    run_ready_tasks()
    return case


def test_acceptance_issues_a_pdf_notice_with_an_embedded_chinese_font(accepted):
    notice = CaseNotice.objects.get(case=accepted)
    body = notice.file.read()
    assert notice.kind == "受理通知书" and body.startswith(b"%PDF")
    assert b"WenQuanYiMicroHei" in body and b"FontFile2" in body  # the font travels inside the file
    assert hashlib.sha256(body).hexdigest() == notice.sha256


def test_the_notice_carries_the_agency_s_electronic_seal(accepted):
    from zerovisit.core import signing
    from zerovisit.org.selectors import trust_roots

    notice = CaseNotice.objects.get(case=accepted)
    check = signing.check_pdf(notice.file.read(), trust_roots_pem=trust_roots())
    assert check.valid and check.signer == "徐州市行政审批局" and notice.seal.agency == accepted.agency


def test_a_repeated_task_issues_the_notice_once(accepted):
    from zerovisit.cases import notices

    event = accepted.events.get(action="accept")
    assert notices.render(event.pk) is None
    assert CaseNotice.objects.filter(case=accepted).count() == 1


def test_the_verification_page_tells_an_unaltered_copy_from_an_altered_one(client, accepted):
    notice = CaseNotice.objects.get(case=accepted)
    page = client.get(f"/verify/{notice.code}/").content.decode()
    assert "受理通知书" in page and accepted.number in page and "张三" not in page and "张*" in page
    original = notice.file.open("rb").read()
    good = client.post(f"/verify/{notice.code}/", {"file": SimpleUploadedFile("n.pdf", original)}).content.decode()
    assert "正是所发文书" in good or "exactly" in good
    assert "电子印章完好" in good and "徐州市行政审批局" in good
    middle = len(original) // 3
    altered = original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1 :]
    bad = client.post(f"/verify/{notice.code}/", {"file": SimpleUploadedFile("n.pdf", altered)}).content.decode()
    assert "已被改动" in bad and "电子印章已损坏" in bad
    assert client.get("/verify/NOSUCHCODE0000000/").status_code == 404


def test_the_applicant_downloads_the_notice_and_others_cannot(client, accepted, citizen):
    from zerovisit.accounts.tests.factories import UserFactory

    notice = CaseNotice.objects.get(case=accepted)
    client.force_login(UserFactory())
    assert client.get(f"/my/cases/{accepted.number}/notices/{notice.pk}/").status_code == 404
    client.force_login(citizen.user)
    response = client.get(f"/my/cases/{accepted.number}/notices/{notice.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_each_written_step_has_its_notice(clock, item, citizen, staff):
    case = apply(item, citizen)
    services.request_correction(
        actor=staff["acceptor"], number=case.number, materials=first_material(case), corrections=["补签字"]
    )
    run_ready_tasks()
    assert list(CaseNotice.objects.values_list("kind", flat=True)) == ["补正材料告知书"]


def test_the_verification_page_is_rate_limited(client, accepted, settings):
    from unittest import mock

    settings.VERIFY_RATE_PER_MINUTE = 3
    code = CaseNotice.objects.get(case=accepted).code
    with mock.patch("zerovisit.core.ratelimit.time.time", return_value=1_800_000_000.0):  # one fixed window
        statuses = [client.get(f"/verify/{code}/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
