"""Files of cases and licences are private: stored apart from the public media under random names, and served
only to the applicant, their agent, the staff of the agency handling the case and the licence holder."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

from zerovisit.accounts.models import ProxyAuthorisation, Role
from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases import services as cases
from zerovisit.cases.models import CaseMaterial, CaseNotice
from zerovisit.cases.tests.factories import apply
from zerovisit.core.storage import move_public_files, private_storage
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.licenses.models import License
from zerovisit.licenses.tests.conftest import ANSWERS, agency, clock, company, food_item, food_license_type, staff
from zerovisit.org.tests.factories import AgencyFactory

__all__ = ["agency", "clock", "company", "food_item", "food_license_type", "staff"]  # fixtures used below

RANDOM_NAME = re.compile(r"^(cases|notices|licenses)/2026/12/([0-9a-f]{2})/\2[0-9a-f]{30}\.pdf$")


@pytest.fixture
def issued(clock, food_item, food_license_type, company, staff):
    """A company's application filed by its proxy agent, accepted, approved, its notices and licence rendered."""
    clock.set(2026, 12, 1)
    agent = UserFactory(username="daiban")
    ProxyAuthorisation.objects.create(applicant=company, agent=agent, item_code=food_item.impl_code,
                                      valid_from=datetime.date(2026, 1, 1),
                                      valid_until=datetime.date(2026, 12, 31))  # fmt: skip
    case = apply(food_item, company, actor=agent, channel="proxy", form_data=ANSWERS)
    cases.accept_case(actor=staff["acceptor"], number=case.number)
    cases.review_case(actor=staff["reviewer"], number=case.number, opinion="符合条件")
    cases.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="准予许可")
    run_ready_tasks()
    license = License.objects.get(case=case)
    return {"case": case, "agent": agent, "license": license}


def downloads(issued) -> dict[str, tuple[str, object]]:
    """Every place a stored file of the case can be fetched: URL → (its file, whether only the holder may)."""
    case, license = issued["case"], issued["license"]
    material = case.materials.exclude(file="").get()
    urls = {
        f"/my/cases/{case.number}/materials/{material.pk}/": (material.file, False),
        f"/api/v1/cases/{case.number}/materials/{material.pk}/file/": (material.file, False),
        f"/my/cases/{case.number}/licenses/{license.pk}/": (license.file, False),
        f"/my/licenses/{license.pk}/pdf/": (license.file, True),
        f"/api/v1/licenses/mine/{license.pk}/file/": (license.file, True),
    }
    for notice in CaseNotice.objects.filter(case=case):
        urls[f"/my/cases/{case.number}/notices/{notice.pk}/"] = (notice.file, False)
    return urls


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_stored_files_have_random_names_in_private_storage_outside_the_media_root(issued, settings):
    files = [file for file, _holder_only in downloads(issued).values()]
    assert len({file.name for file in files}) == 4  # the material, two notices (acceptance, decision), the licence
    for file in files:
        assert RANDOM_NAME.match(file.name), file.name
        assert (settings.PRIVATE_ROOT / file.name).is_file()
        assert not default_storage.exists(file.name)
    assert issued["case"].number not in " ".join(f.name for f in files)
    assert "申请书" not in issued["case"].materials.get(file__startswith="cases/").file.name


def test_outsiders_get_404_for_every_stored_file(client, issued, agency):
    rival = applicant_for(kind="person", name="李四", id_number="32030219900307123X", account=UserFactory())
    apply(issued["case"].item, rival, form_data=ANSWERS)  # another applicant, with a case of the same item
    other_agency = AgencyFactory(name="铜山区行政审批局")
    other_staff = UserFactory(agency=other_agency, is_staff=True, roles=[Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER,
                                                                          Role.SUPERVISOR])  # fmt: skip
    urls = downloads(issued)
    public = [f"/media/{file.name}" for file, _holder_only in urls.values()]
    for who in (None, rival.user, other_staff):
        client.logout()
        if who is not None:
            client.force_login(who)
        for url in [*urls, *public]:
            assert client.get(url).status_code == 404, (who, url)
        for file, _holder_only in urls.values():  # the public media cannot be walked out of into the private root
            assert client.get(f"/media/../private/{file.name}").status_code in (400, 404)


def test_the_rightful_people_get_each_file_as_a_private_download(client, issued, company, staff):
    urls = downloads(issued)
    for who, holder in ((company.user, True), (issued["agent"], False), (staff["acceptor"], False)):
        client.force_login(who)
        for url, (file, holder_only) in urls.items():
            response = client.get(url)
            if holder_only and not holder:
                assert response.status_code == 404, (who, url)
                continue
            assert response.status_code == 200, (who, url)
            assert body(response) == private_storage().open(file.name).read()
            assert response["Cache-Control"] == "private, no-store"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Disposition"].startswith("attachment;")
            assert file.name.rsplit("/", 1)[-1] not in response["Content-Disposition"]


def test_a_material_downloads_under_its_own_name(client, issued, company):
    case = issued["case"]
    material = case.materials.exclude(file="").get()
    client.force_login(company.user)
    response = client.get(f"/my/cases/{case.number}/materials/{material.pk}/")
    assert "filename*=utf-8''%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf" in response["Content-Disposition"]  # 申请书.pdf
    detail = client.get(f"/api/v1/cases/{case.number}/").json()
    uploaded = next(m for m in detail["materials"] if m["source"] == "upload")
    assert uploaded["download_url"] == f"/api/v1/cases/{case.number}/materials/{material.pk}/file/"
    assert material.file.name not in str(detail)


def test_the_wallet_api_links_the_checking_view_not_the_storage(client, issued, company):
    client.force_login(company.user)
    listed = client.get("/api/v1/licenses/mine/").json()
    license = issued["license"]
    assert [x["file_url"] for x in listed] == [f"/api/v1/licenses/mine/{license.pk}/file/"]
    assert license.file.name not in str(listed)


def test_a_file_missing_from_storage_is_404_not_an_error(client, issued, company):
    license = issued["license"]
    private_storage().delete(license.file.name)
    client.force_login(company.user)
    assert client.get(f"/my/licenses/{license.pk}/pdf/").status_code == 404


def test_behind_nginx_the_application_sends_only_the_internal_redirect(client, issued, company, settings):
    settings.FILE_SERVING, settings.X_ACCEL_PREFIX = "x-accel", "/protected/"
    license = issued["license"]
    client.force_login(company.user)
    response = client.get(f"/my/licenses/{license.pk}/pdf/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected/{license.file.name}"
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == f'attachment; filename="{license.number}.pdf"'


def test_with_x_sendfile_the_web_server_gets_the_file_s_path(client, issued, company, settings):
    settings.FILE_SERVING = "x-sendfile"
    license = issued["license"]
    client.force_login(company.user)
    response = client.get(f"/my/licenses/{license.pk}/pdf/")
    assert response["X-Sendfile"] == str(settings.PRIVATE_ROOT / license.file.name) and response.content == b""


class SignedUrlStorage(Storage):
    """An object store as far as serving goes: no local path, and URLs signed for a given time."""

    objects: dict[str, bytes] = {}

    def _save(self, name, content):
        self.objects[name] = content.read()
        return name

    def _open(self, name, mode="rb"):
        return ContentFile(self.objects[name], name=name)

    def exists(self, name):
        return name in self.objects

    def delete(self, name):
        self.objects.pop(name, None)

    def url(self, name, parameters=None, expire=None):
        return f"https://objects.example.invalid/{name}?expires-in={expire}&signature=x"


def test_on_an_object_store_the_download_is_a_short_lived_signed_redirect(client, settings, clock, food_item, company):
    settings.STORAGES = {**settings.STORAGES, "private": {"BACKEND": f"{__name__}.SignedUrlStorage"}}
    settings.PRIVATE_URL_EXPIRY_SECONDS = 60
    case = apply(food_item, company, form_data=ANSWERS)
    material = case.materials.exclude(file="").get()
    assert isinstance(material.file.storage._wrapped, SignedUrlStorage)
    client.force_login(company.user)
    response = client.get(f"/my/cases/{case.number}/materials/{material.pk}/")
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    assert response["Location"] == f"https://objects.example.invalid/{material.file.name}?expires-in=60&signature=x"
    client.force_login(UserFactory())
    assert client.get(f"/my/cases/{case.number}/materials/{material.pk}/").status_code == 404


def test_files_of_an_older_database_move_from_the_public_media_to_private_storage(
    issued, django_capture_on_commit_callbacks
):
    material = issued["case"].materials.exclude(file="").get()
    old = default_storage.save(f"cases/2026/12/01/{issued['case'].number}-申请书.pdf", ContentFile(b"%PDF-old"))
    CaseMaterial.objects.filter(pk=material.pk).update(file=old)
    CaseMaterial.objects.filter(pk=issued["case"].materials.exclude(pk=material.pk).first().pk).update(
        file="cases/2026/12/01/lost.pdf"
    )  # a row whose file is gone: skipped
    with django_capture_on_commit_callbacks(execute=True):
        assert move_public_files(CaseMaterial, "file", "cases") == 1
    material.refresh_from_db()
    assert RANDOM_NAME.match(material.file.name) and material.file.read() == b"%PDF-old"
    assert not default_storage.exists(old)


@pytest.mark.parametrize("env", [
    {"ZV_PRIVATE_ROOT": "{media}"},
    {"ZV_PRIVATE_ROOT": "{media}/private"},
    {"ZV_FILE_SERVING": "nginx"},
    {"ZV_FILE_SERVING": "x-accel"},  # without the internal location
])  # fmt: skip
def test_a_setting_that_would_expose_or_not_serve_private_files_stops_the_start(env, tmp_path):
    import os
    import subprocess
    import sys

    media = tmp_path / "media"
    environment = {**os.environ, "ZV_DATA_DIR": str(tmp_path), "ZV_MEDIA_ROOT": str(media)}
    environment.update({key: value.format(media=media) for key, value in env.items()})
    started = subprocess.run([sys.executable, "-c", "import zerovisit.settings"], env=environment,
                             capture_output=True, text=True)  # fmt: skip
    assert started.returncode != 0 and "ImproperlyConfigured" in started.stderr
