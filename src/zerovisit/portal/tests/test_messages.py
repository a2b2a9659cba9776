"""The in-app inbox: unread count in the header, reading, and choosing how one is told."""

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.notify import services
from zerovisit.notify.models import Preference

VALUES = {"n": "320300-20261201-AAAAAAAA", "item": "食品经营许可", "decision_due": "2026-12-10"}


def test_the_header_counts_unread_messages_and_the_inbox_marks_them_read(client, db):
    user = UserFactory()
    services.notify(user_id=user.pk, event="case.accept", values=VALUES)
    services.notify(user_id=UserFactory().pk, event="case.accept", values=VALUES)  # someone else's
    client.force_login(user)
    home = client.get("/").content.decode()
    assert 'class="badge"' in home and ">1</span>" in home
    inbox = client.get("/my/messages/").content.decode()
    assert "申请已受理" in inbox and "320300-20261201-AAAAAAAA" in inbox
    client.post("/my/messages/read/", {})
    assert services.unread_count(user) == 0 and 'class="badge"' not in client.get("/").content.decode()


def test_a_person_turns_sms_off_and_reads_in_english(client, db):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/my/messages/settings/").status_code == 200
    client.post("/my/messages/settings/", {"email": "on", "language": "en"})
    chosen = Preference.objects.get(user=user)
    assert (chosen.sms, chosen.email, chosen.language) == (False, True, "en")
    assert client.post("/my/messages/settings/", {"language": "fr"}).status_code == 200  # refused, nothing saved
    assert Preference.objects.get(user=user).language == "en"
