"""The portal as an installable web app: manifest, service worker, offline page, and what signing out clears."""

import json

from django.contrib.staticfiles import finders

from zerovisit.accounts.tests.factories import UserFactory


def test_the_manifest_makes_the_portal_installable(client, db):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "不见面审批服务" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:  # every icon is one of the portal's own files, served locally
        assert icon["src"].startswith("/static/") and finders.find(icon["src"].removeprefix("/static/"))


def test_every_page_links_the_manifest(client, db):
    page = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and 'name="theme-color"' in page


def test_the_service_worker_is_served_from_the_root_and_never_cached_stale(client, db):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript") and "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    for path in ("/static/portal/portal.css", "/static/portal/menu.js", "/offline/", "/my/cases/", "/my/licenses/"):
        assert f'"{path}"' in script


def test_the_offline_page_names_what_can_be_read_without_a_connection(client, db):
    page = client.get("/offline/").content.decode()
    assert "您已离线" in page and 'href="/my/cases/"' in page and 'href="/my/licenses/"' in page


def test_signing_out_clears_what_the_browser_kept_of_the_person(client, db):
    client.force_login(UserFactory())
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Clear-Site-Data"] == '"cache", "storage"'
