"""Revoking a licence in the admin asks for the reason and goes through the service."""

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.licenses.models import License, LicenseStatus

from .test_issuing import approve


def test_an_administrator_revokes_a_licence_with_a_reason(client, clock, food_item, food_license_type, company, staff):
    license = License.objects.get(case=approve(food_item, company, staff))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = "/admin/licenses/license/"
    asked = client.post(url, {"action": "revoke", "_selected_action": [license.pk]})
    assert asked.status_code == 200 and "reason" in asked.content.decode()
    license.refresh_from_db()
    assert license.status == LicenseStatus.VALID  # nothing happens before the reason is given
    client.post(url, {"action": "revoke", "_selected_action": [license.pk], "apply": "1", "reason": "依法撤销"})
    license.refresh_from_db()
    assert license.status == LicenseStatus.REVOKED and license.status_reason == "依法撤销"
    assert license.events.last().actor.is_superuser


def test_the_licence_page_shows_the_stored_file_without_a_public_link(client, clock, food_item, food_license_type,
                                                                      company, staff):  # fmt: skip
    from zerovisit.core.tests.helpers import run_ready_tasks

    license = License.objects.get(case=approve(food_item, company, staff))
    run_ready_tasks()
    license.refresh_from_db()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/licenses/license/{license.pk}/change/")
    assert page.status_code == 200 and license.file.name in page.content.decode()
    assert f'href="/media/{license.file.name}"' not in page.content.decode()
