"""/api/v1/messages/: the in-app inbox for the mobile app."""

from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.notify import services


def told(user, n):
    for i in range(n):
        services.notify(
            user_id=user.pk, event="case.accept", values={"n": f"C{i}", "item": "事项", "decision_due": "2026-12-10"}
        )


def client_of(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_person_lists_counts_and_marks_read_their_messages(db):
    user = UserFactory()
    told(user, 3)
    api = client_of(user)
    listed = api.get("/api/v1/messages/").json()
    assert listed["count"] == 3 and all(not m["read"] for m in listed["results"])
    assert api.get("/api/v1/messages/unread/").json() == {"unread": 3}
    first = listed["results"][0]["id"]
    assert api.post("/api/v1/messages/read/", {"ids": [first]}, format="json").json() == {"marked": 1}
    assert api.get("/api/v1/messages/unread/").json() == {"unread": 2}
    assert api.get("/api/v1/messages/", {"unread": "1"}).json()["count"] == 2
    assert api.post("/api/v1/messages/read/", {}, format="json").json() == {"marked": 2}


def test_nobody_reads_or_marks_anyone_elses_messages(db):
    owner, other = UserFactory(), UserFactory()
    told(owner, 1)
    api = client_of(other)
    assert api.get("/api/v1/messages/").json()["count"] == 0
    owner_message = client_of(owner).get("/api/v1/messages/").json()["results"][0]["id"]
    assert api.post("/api/v1/messages/read/", {"ids": [owner_message]}, format="json").json() == {"marked": 0}
    assert client_of(owner).get("/api/v1/messages/unread/").json() == {"unread": 1}
    assert APIClient().get("/api/v1/messages/").status_code in (401, 403)


def test_a_bad_list_of_ids_is_a_400(db):
    api = client_of(UserFactory())
    for bad in ({"ids": "1"}, {"ids": [0]}, {"ids": ["x"]}, {"ids": list(range(1, 600))}):
        response = api.post("/api/v1/messages/read/", bad, format="json")
        assert response.status_code == 400 and response.json()["code"]
