"""The OpenAPI schema: served safely under concurrency, and describing what the API really answers."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from rest_framework.test import APIClient

from zerovisit.catalog.tests.factories import published_item
from zerovisit.core.schema import SchemaView
from zerovisit.org.tests.factories import AgencyFactory, RegionFactory

CONCURRENT_FIRST_REQUESTS = textwrap.dedent(
    """
    import hashlib, json, os, threading
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerovisit.settings")
    import django
    django.setup()
    from django.test import Client

    barrier, results = threading.Barrier(8), []

    def ask():
        client = Client(raise_request_exception=False)
        barrier.wait()
        response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        results.append((response.status_code, hashlib.sha256(response.content).hexdigest()))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(results))
    """
)


@pytest.fixture
def schema():
    SchemaView.forget()
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_eight_first_requests_at_once_in_a_fresh_process_all_get_the_same_schema(tmp_path):
    env = {**os.environ, "ZV_DATA_DIR": os.environ.get("ZV_DATA_DIR", str(tmp_path))}
    done = subprocess.run(
        [sys.executable, "-c", CONCURRENT_FIRST_REQUESTS], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(results) == 8
    assert {status for status, _ in results} == {200}, done.stderr[-3000:]
    assert len({digest for _, digest in results}) == 1


@pytest.mark.django_db
def test_the_schema_is_generated_once_per_language_and_served_from_memory(monkeypatch):
    SchemaView.forget()
    generated = []
    original = SchemaView._get_schema_response

    def counting(self, request):
        generated.append(request.LANGUAGE_CODE)
        return original(self, request)

    monkeypatch.setattr(SchemaView, "_get_schema_response", counting)
    api = APIClient()
    first = api.get("/api/v1/schema/")
    assert api.get("/api/v1/schema/").content == first.content
    english = api.get("/api/v1/schema/", headers={"Accept-Language": "en"})
    api.get("/api/v1/schema/", headers={"Accept-Language": "en"})
    api.get("/api/v1/schema/", {"lang": "no-such-language"})
    assert len(generated) == 2
    assert first.content != english.content  # field titles are translated
    assert first["Content-Type"].startswith("application/vnd.oai.openapi")


def _component(schema, name):
    return schema["components"]["schemas"][name]


@pytest.mark.django_db
def test_nullable_fields_are_described_as_nullable(schema):
    assert _component(schema, "CaseSummary")["properties"]["claimed_by"]["nullable"] is True
    assert _component(schema, "CaseEvent")["properties"]["actor"]["nullable"] is True
    assert _component(schema, "CaseDetail")["properties"]["stage"]["nullable"] is True  # a concluded case has none
    assert _component(schema, "Region")["properties"]["parent"]["nullable"] is True
    for name in ("hall", "window", "transferred_from"):
        assert _component(schema, "ItemDetail")["properties"][name]["nullable"] is True


@pytest.mark.django_db
def test_a_province_without_parent_and_an_item_without_hall_match_the_schema():
    province = RegionFactory(parent=None)
    assert APIClient().get(f"/api/v1/regions/{province.code}/").json()["parent"] is None
    item = published_item()
    body = APIClient().get(f"/api/v1/items/{item.impl_code}/").json()
    assert body["hall"] is None and body["window"] is None and body["transferred_from"] is None


@pytest.mark.django_db
def test_the_materials_of_an_item_are_a_plain_list_in_the_schema_and_in_the_answer(schema):
    answer = schema["paths"]["/api/v1/items/{impl_code}/materials/"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["type"] == "array"
    params = [p["name"] for p in schema["paths"]["/api/v1/items/{impl_code}/materials/"]["get"].get("parameters", [])]
    assert "page" not in params
    item = published_item()
    assert isinstance(APIClient().get(f"/api/v1/items/{item.impl_code}/materials/").json(), list)


@pytest.mark.django_db
def test_the_export_names_the_content_types_it_sends(schema):
    content = schema["paths"]["/api/v1/exports/"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"}


@pytest.mark.django_db
def test_every_operation_documents_its_errors_in_the_one_error_shape(schema):
    error = _component(schema, "Error")
    assert set(error["required"]) == {"code", "message", "errors"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "400" in responses, (method, path)
            assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
            if "{" in path:
                assert "404" in responses, (method, path)
            if method != "get":
                assert "409" in responses, (method, path)
    verify = schema["paths"]["/api/v1/licenses/verify/"]["get"]["responses"]
    assert {"404", "429"} <= set(verify)
    assert "401" in schema["paths"]["/api/v1/delivery/callback/{carrier}/"]["post"]["responses"]


@pytest.mark.django_db
def test_strings_the_api_takes_say_that_control_characters_are_refused(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/agencies/"]["get"]["parameters"]}
    assert parameters["name"]["schema"]["pattern"].startswith("^[^\\x00")
    draft = _component(schema, "DraftInputRequest")["properties"]
    assert "pattern" in draft["name"] and "pattern" not in draft["case_kind"]
    # Answers are described as they are, without the pattern.
    assert "pattern" not in _component(schema, "ItemDetail")["properties"]["name"]


def test_the_pattern_in_the_schema_is_the_one_the_middleware_applies():
    import re

    from zerovisit.core.openapi import WITHOUT_CONTROL_CHARACTERS
    from zerovisit.core.text import FORBIDDEN_CHARACTERS

    for code in range(0x80):
        character = chr(code)
        assert bool(re.match(WITHOUT_CONTROL_CHARACTERS, character)) != bool(FORBIDDEN_CHARACTERS.search(character))


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["status=", "status=nonsense", "channel=", "status=received&status="])
def test_an_empty_or_unknown_choice_filter_is_refused_not_ignored(query):
    from zerovisit.accounts.tests.factories import UserFactory

    api = APIClient()
    api.force_authenticate(UserFactory())
    response = api.get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400 and response.json()["code"] == "invalid_filter"
    assert response.json()["errors"][0]["field"] in ("status", "channel")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["is_functional_zone=", "is_functional_zone=maybe", "level=", "level=x"])
def test_yes_no_and_number_filters_are_refused_when_empty_or_wrong(query):
    response = APIClient().get(f"/api/v1/regions/?{query}")
    assert response.status_code == 400 and response.json()["code"] == "invalid_filter"


@pytest.mark.django_db
def test_free_text_and_valid_filters_still_filter():
    RegionFactory(is_functional_zone=True)
    api = APIClient()
    assert api.get("/api/v1/regions/?is_functional_zone=true").json()["count"] == 1
    assert api.get("/api/v1/regions/?is_functional_zone=false").json()["count"] == 0
    AgencyFactory(name="徐州市测试局")
    assert api.get("/api/v1/agencies/?name=").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["type=", "level=", "theme=", "zero_visits=maybe", "agency="])
def test_the_catalogue_refuses_empty_or_malformed_value_filters(query):
    response = APIClient().get(f"/api/v1/items/?{query}")
    assert response.status_code == 400 and response.json()["code"] == "invalid_query"


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["0", "101", "x", "-1", "٣"])
def test_a_page_size_outside_1_to_100_is_refused(size):
    response = APIClient().get("/api/v1/regions/", {"page_size": size})
    assert response.status_code == 400 and response.json()["code"] == "invalid_page_size"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["", "0", "-1", "x", "last", "٣"])
def test_a_page_that_is_not_a_whole_number_from_1_is_refused(page):
    response = APIClient().get("/api/v1/agencies/", {"page": page})
    assert response.status_code == 400 and response.json()["code"] == "invalid_page"


@pytest.mark.django_db
def test_a_page_past_the_last_is_not_found():
    assert APIClient().get("/api/v1/agencies/", {"page": "2"}).status_code == 404


@pytest.mark.django_db
def test_a_page_size_within_bounds_is_used():
    for n in range(3):
        RegionFactory(code=f"3203{n + 1:02d}000000")
    assert len(APIClient().get("/api/v1/regions/", {"page_size": "2"}).json()["results"]) == 2


@pytest.mark.django_db
def test_an_api_path_with_a_newline_answers_404_in_the_error_shape():
    for path in ("/api/v1/cases/a.b%0Ac/refuse/", "/api/v1/x%0A"):  # no route matches, the catch-all must
        response = APIClient().post(path, {}, format="json")
        assert response.status_code == 404 and response.json()["code"] == "not_found", path


@pytest.mark.django_db
def test_an_unknown_api_path_answers_404_in_the_error_shape():
    for method in ("get", "post", "patch"):
        response = getattr(APIClient(), method)("/api/v1/drafts/1.5/")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_a_carrier_callback_sent_as_a_form_is_refused_not_a_server_error():
    response = APIClient().post("/api/v1/delivery/callback/http/", {"events": "[]"}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "json_required"


@pytest.mark.django_db
def test_json_inside_a_form_field_is_checked_for_control_characters():
    from zerovisit.cases.api import SubmitSerializer

    data = SubmitSerializer(data={"item": "x", "applicant_kind": "person", "applicant_name": "张三",
                                  "form_data": '{"name": "a\\u0000b"}'})  # fmt: skip
    assert not data.is_valid() and data.errors["form_data"][0].code == "invalid_characters"
    data = SubmitSerializer(data={"item": "x", "applicant_kind": "person", "applicant_name": "张三",
                                  "form_data": '{"k\\u0007": 1}'})  # fmt: skip
    assert not data.is_valid()
