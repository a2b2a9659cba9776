"""/api/v1/application-drafts/: drafts (暂存) for the mobile app, each person's own."""

import pytest
from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases.models import ApplicationDraft
from zerovisit.catalog.models import MaterialSpec
from zerovisit.org.tests.factories import AgencyFactory

from .factories import pdf, publish


@pytest.fixture
def item(db):
    return publish(AgencyFactory())


def client_of(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_draft_is_saved_read_updated_and_deleted_through_the_api(item):
    spec = MaterialSpec.objects.filter(item=item).order_by("order").first()
    api = client_of(UserFactory())
    body = {"impl_code": item.impl_code, "answers": '{"applicant_name": "王五"}', f"material_{spec.pk}": pdf()}
    created = api.post("/api/v1/application-drafts/", body, format="multipart")
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["answers"] == {"applicant_name": "王五"} and draft["materials"][0]["name"] == "申请书.pdf"
    assert [d["id"] for d in api.get("/api/v1/application-drafts/").json()] == [draft["id"]]
    updated = api.put(f"/api/v1/application-drafts/{draft['id']}/", {"answers": {"applicant_name": "王五五"}},
                      format="json")  # fmt: skip
    assert updated.status_code == 200 and updated.json()["answers"] == {"applicant_name": "王五五"}
    assert api.get(f"/api/v1/application-drafts/{draft['id']}/").json()["materials"][0]["spec"] == spec.pk
    assert api.delete(f"/api/v1/application-drafts/{draft['id']}/").status_code == 204
    assert not ApplicationDraft.objects.exists()


def test_another_persons_draft_is_a_404_for_every_verb(item):
    draft = client_of(UserFactory()).post("/api/v1/application-drafts/", {"impl_code": item.impl_code},
                                          format="json").json()  # fmt: skip
    stranger = client_of(UserFactory())
    url = f"/api/v1/application-drafts/{draft['id']}/"
    assert stranger.get(url).status_code == 404
    assert stranger.put(url, {"answers": {}}, format="json").status_code == 404
    assert stranger.delete(url).status_code == 404
    assert stranger.get("/api/v1/application-drafts/").json() == []
    assert APIClient().get("/api/v1/application-drafts/").status_code in (401, 403)


@pytest.mark.parametrize(
    "body,code",
    [
        ({"impl_code": "NOPE"}, "item_not_found"),
        ({}, "invalid"),
        ({"impl_code": "ITEM", "answers": {"x": {"y": 1}}}, "invalid_answers"),
        ({"impl_code": "ITEM", "answers": [1, 2]}, "invalid_answers"),
        ({"impl_code": "ITEM", "answers": {"x": "a\u0000b"}}, None),
    ],
)
def test_a_bad_draft_is_a_400_and_keeps_nothing(item, body, code):
    body = {**body, "impl_code": item.impl_code} if body.get("impl_code") == "ITEM" else body
    response = client_of(UserFactory()).post("/api/v1/application-drafts/", body, format="json")
    assert response.status_code == 400 and (code is None or response.json()["code"] == code)
    assert not ApplicationDraft.objects.exists()


def test_saving_over_a_draft_replaces_its_answers_and_needs_them(item):
    api = client_of(UserFactory())
    draft = api.post("/api/v1/application-drafts/", {"impl_code": item.impl_code}, format="json").json()
    url = f"/api/v1/application-drafts/{draft['id']}/"
    assert api.put(url, {}, format="json").status_code == 400
    assert api.put(url, {"answers": {"phone": "13912345678"}}, format="json").json()["answers"] == {
        "phone": "13912345678"
    }
