"""Control characters (NUL above all, which PostgreSQL cannot store) are refused in every input of every URL."""

import io
import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import editor
from zerovisit.catalog import listfile, services
from zerovisit.catalog.models import ServiceItem
from zerovisit.catalog.tests.factories import MaterialSpecFactory, ServiceItemFactory, row
from zerovisit.org.tests.factories import AgencyFactory

SAMPLE = "1"  # fits <int:…>, <str:…> and the routers' [^/.]+ alike


def _sample_regex(regex: str) -> str:
    """A path that the regex of a URL pattern matches, with each named group filled in."""

    def group(match):
        body = match.group(1)
        return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else SAMPLE

    regex = re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)", group, regex.lstrip("^").rstrip("$").rstrip("\\Z"))
    return re.sub(r"\\(.)", r"\1", regex).replace("?", "")


def _sample(pattern) -> tuple[str, bool]:
    """(the pattern's part of a sample path, whether that part holds a parameter)."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        return re.sub(r"<(?:\w+:)?\w+>", SAMPLE, route), "<" in route
    regex = pattern._regex
    return _sample_regex(regex), "(?P<" in regex


def _every_url(patterns=None, prefix="/", has_parameter=False):
    """(sample path, whether a parameter of it can carry the NUL) for every URL pattern of the site."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        part, parameter = _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _every_url(entry.url_patterns, prefix + part, has_parameter or parameter)
        elif isinstance(entry, URLPattern):
            yield prefix + part, has_parameter or parameter


URLS = sorted(set(_every_url()))


def _with_nul_in_path(path: str, parameter: bool) -> str:
    segments = path.split("/")
    if parameter and SAMPLE in segments:
        # The NUL takes the place of a parameter's value, where views and selectors would meet it.
        segments[max(i for i, s in enumerate(segments) if s == SAMPLE)] = "%00"
        return "/".join(segments)
    return path.rstrip("/") + "%00/"


def _assert_refused(response):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    if response.wsgi_request.path.startswith("/api/"):
        body = response.json()
        assert body["code"] == "invalid_characters" and body["errors"][0]["code"] == "invalid_characters"
    else:
        assert "控制字符".encode() in response.content


def test_every_url_pattern_of_the_site_is_covered():
    paths = [path for path, _ in URLS]
    assert len(paths) > 50
    for path in ("/api/v1/cases/1/accept/", "/verify/1/", "/items/1/", "/workbench/cases/1/1/", "/accounts/login/"):
        assert path in paths
    assert any(path.startswith(f"/{settings.ADMIN_PATH}") for path in paths)


@pytest.mark.django_db
@pytest.mark.parametrize("path,parameter", URLS)
def test_a_nul_in_the_path_is_refused_before_the_database_is_read(client, django_assert_num_queries, path, parameter):
    with django_assert_num_queries(0):
        _assert_refused(client.get(_with_nul_in_path(path, parameter)))


@pytest.mark.django_db
@pytest.mark.parametrize("path,parameter", URLS)
def test_a_nul_in_the_query_is_refused(client, django_assert_num_queries, path, parameter):
    with django_assert_num_queries(0):
        _assert_refused(client.get(path, {"q": "营业\x00执照", "status": "\x00"}))


@pytest.mark.django_db
@pytest.mark.parametrize("path,parameter", URLS)
def test_a_nul_in_the_body_is_refused(client, django_assert_num_queries, path, parameter):
    with django_assert_num_queries(0):
        if path.startswith("/api/"):
            # The JSON escape, as a client library writes it: no raw NUL byte travels.
            response = client.post(path, '{"name": "\\u0000", "reason": "ok"}', content_type="application/json")
        else:
            response = client.post(path, {"name": "张\x00三", "next": "/"})
        _assert_refused(response)


@pytest.mark.django_db
def test_the_api_names_each_field_that_holds_a_control_character():
    response = APIClient().post(
        "/api/v1/drafts/",
        {"name": "ok", "materials": [{"name": "申请\x07表"}], "bad\x1fkey": 1, "notes": "tab\tand\nnewlines\r"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_characters" and "控制字符" in body["message"]
    assert sorted(e["field"] for e in body["errors"]) == ["body.bad\\x1fkey", "body.materials.0.name"]
    assert "U+0007" in next(e["message"] for e in body["errors"] if e["field"] == "body.materials.0.name")


@pytest.mark.django_db
@pytest.mark.parametrize("character", ["\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f"])
def test_every_c0_control_and_del_is_refused_in_json(character):
    response = APIClient().post("/api/v1/drafts/", {"name": f"a{character}b"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "body.name"


@pytest.mark.django_db
def test_a_raw_control_character_in_a_json_body_is_refused_even_if_the_json_is_broken():
    response = APIClient().post("/api/v1/drafts/", b'{"name": "a\x00', content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "body"


@pytest.mark.django_db
def test_text_that_merely_looks_like_an_escape_is_accepted():
    """A backslash followed by u0000 is four ordinary characters, not a NUL."""
    api = APIClient()
    response = api.get("/api/v1/calendar/add/", {"start": "2026-12-01", "days": "1", "note": "\\u0000"})
    assert response.status_code == 200
    response = api.post("/api/v1/drafts/", '{"name": "\\\\u0000"}', content_type="application/json")
    assert response.status_code in (401, 403)  # reached the view, which wants a signed-in editor


@pytest.mark.django_db
def test_headers_and_cookies_that_reach_the_database_are_checked(client):
    refused = client.get("/", headers={"User-Agent": "curl\x00"})
    assert refused.status_code == 400 and b"header.User-Agent" in refused.content
    # The session key is looked up in the database, and Django unquotes "\000" in a quoted cookie value to NUL.
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijkl"
    assert client.get("/").status_code == 400
    response = APIClient().get("/api/v1/regions/", headers={"Authorization": "Token abc\x00def"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "header.Authorization"
    assert APIClient().post("/api/v1/cases/", {}, headers={"Idempotency-Key": "k\x00"}).status_code == 400


@pytest.mark.django_db
def test_a_tab_in_a_header_is_no_control_character_to_refuse(client):
    assert client.get("/", headers={"User-Agent": "a\tb"}).status_code == 200


@pytest.mark.django_db
def test_multipart_fields_are_checked_but_file_contents_are_not():
    agency = AgencyFactory(name="徐州市测试局")
    api = APIClient()
    api.force_authenticate(editor(agency))
    upload = io.BytesIO(listfile.write_csv([row()]))
    upload.name = "items.csv"
    refused = api.post("/api/v1/imports/", {"file": upload, "dry_run": "\x00"}, format="multipart")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "body.dry_run"
    assert not ServiceItem.objects.exists()
    # Binary content (an XLSX is a zip, full of NUL bytes) is uploaded and read unchanged.
    upload = io.BytesIO(listfile.write_xlsx([row()]))
    upload.name = "items.xlsx"
    assert b"\x00" in upload.getvalue()
    response = api.post("/api/v1/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 200 and response.json()["created"] == 1


@pytest.mark.django_db
def test_a_multipart_patch_is_checked_and_still_reaches_the_view():
    draft = ServiceItemFactory.build(agency=AgencyFactory())
    services.item_save_draft(actor=None, item=draft, materials=[MaterialSpecFactory.build(item=None)])
    api = APIClient()
    api.force_authenticate(editor(draft.agency))
    refused = api.patch(f"/api/v1/drafts/{draft.pk}/", {"name": "新\x00名"}, format="multipart")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "body.name"
    changed = api.patch(f"/api/v1/drafts/{draft.pk}/", {"name": "新名称"}, format="multipart")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["name"] == "新名称"


@pytest.mark.django_db
def test_an_urlencoded_put_is_checked():
    response = APIClient().put("/api/v1/drafts/1/", "name=%00", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "body.name"


@pytest.mark.django_db
def test_a_json_body_larger_than_the_upload_limit_is_refused_in_the_api_shape(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = APIClient().post("/api/v1/drafts/", {"name": "x" * 2000}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "request_too_large"


@pytest.mark.django_db
def test_the_page_says_what_is_wrong_in_chinese_and_in_english(client):
    response = client.get("/items/", {"q": "营业\x00执照"})
    page = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "请求中含有无法接受的控制字符" in page and "query.q" in page
    assert '<section lang="en">' in page and "control characters" in page
    assert "Content-Security-Policy" in response.headers

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/items/", {"q": "\x00"}).content.decode()
    assert '<html lang="en">' in english and "control characters" in english and "控制字符" not in english


@pytest.mark.django_db
def test_the_api_answers_in_english_when_asked():
    response = APIClient().get("/api/v1/items/", {"q": "\x00"}, headers={"Accept-Language": "en"})
    assert response.json()["message"].startswith("The request contains control characters")


@pytest.mark.django_db
def test_a_multipart_body_without_a_named_part_is_unreadable_not_an_empty_form():
    """Django skips a part without a name: such a body must not act as an empty form does."""
    api = APIClient()
    api.force_authenticate(editor(AgencyFactory()))
    boundary = "88706895ed12ef70b91ead7cadf55f66"
    content_type = f"multipart/form-data; boundary={boundary}"
    body = f"--{boundary}\r\n-1.7976931348623157e+308--{boundary}--\r\n"
    response = api.post("/api/v1/drafts/", body, content_type=content_type)
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    # An empty form (only the closing delimiter) is read, and the view says what it lacks.
    empty = api.post("/api/v1/drafts/", f"--{boundary}--\r\n", content_type=content_type)
    assert empty.status_code == 400 and empty.json()["code"] != "parse_error", empty.json()
