import pytest
from pytest_django.plugin import blocking_manager_key


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: a live server's thread must not keep the test database open."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test empties every table when it ends, the reference data that migrations seeded included;
    it is seeded again right after, so the tests that come after it on the same worker do not depend on the order."""
    result = yield
    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in item.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional and nextitem is not None:  # after the last test the test database is gone
        _seed_reference_data(item.config.stash[blocking_manager_key])
    return result


def _seed_reference_data(blocker) -> None:
    from importlib import import_module

    from django.apps import apps

    from zerovisit.catalog.models import ProcessTemplate
    from zerovisit.workcalendar.models import CalendarYear

    seeded_by = {
        ProcessTemplate: "zerovisit.catalog.migrations.0002_reference_data",
        CalendarYear: "zerovisit.workcalendar.migrations.0002_official_schedules",
    }
    with blocker.unblock():
        for model, migration in seeded_by.items():
            if not model.objects.exists():
                import_module(migration).seed(apps, None)


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs():
    """Every line the platform logs during a test is scanned before the configured handlers mask it: code that puts
    an ID number or a mobile number into a log message fails the test that ran it. (The handlers mask them as
    well, for what code did not foresee.)"""
    import logging

    from zerovisit.core.logs import MaskPersonalData, has_personal_data

    configured = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)
                  and type(h).__module__.startswith("logging")]  # fmt: skip
    assert configured and all(any(isinstance(f, MaskPersonalData) for f in h.filters) for h in configured), (
        "every log handler must mask personal data"
    )
    lines = []

    class Scanner(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    root = logging.getLogger()
    scanner = Scanner(level=logging.DEBUG)
    root.handlers.insert(0, scanner)  # first: it sees each record before a masking filter rewrites it
    yield
    root.removeHandler(scanner)
    leaked = [line for line in lines if has_personal_data(line)]
    assert not leaked, f"personal data in the log: {leaked[:3]}"


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """`client.force_login(staff)` signs a member of staff in fully, as if they had typed their authenticator's code
    too. The second factor itself is tested through the pages and the API (accounts/tests/test_second_factor.py),
    and the browser tests sign staff in through it."""
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY

    from zerovisit.accounts.services.second_factor import needs_second_factor

    force_login = ClientMixin.force_login

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        if needs_second_factor(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = "tests.force_login"
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login_with_second_factor)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _audit_key(settings, tmp_path):
    """A fixed audit key, and the checkpoint file of each test in its own folder (core.audit)."""
    settings.AUDIT_KEY = "test-audit-key"
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit_checkpoint"


@pytest.fixture(autouse=True)
def _lookup_key(settings):
    """A fixed key of the lookup hashes (core.crypto), whatever the data directory holds."""
    settings.LOOKUP_KEY = "test-lookup-key-" + "0" * 16


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render pages without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_work_calendar(monkeypatch):
    """Each test reads the calendar of its own database, not one cached by an earlier test; and within a test it is
    not asked again after CHECK_SECONDS of real time, so that counting a page's queries does not depend on how
    fast the machine is (changes made through the services drop it, as in production)."""
    from zerovisit.workcalendar import selectors

    monkeypatch.setattr(selectors, "CHECK_SECONDS", float("inf"))
    selectors.forget()
    yield
    selectors.forget()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and other cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """Private files of a test (materials, notices, licences) go to its own folder, apart from its media."""
    settings.PRIVATE_ROOT = tmp_path / "private"
