"""The portal as an installable web app: its manifest, its service worker and the page shown offline.

The service worker keeps the portal's shell (styles, scripts, icons, the offline page) and the last copy of my
cases and my licences, so that a person without a connection still sees their cases' status and deadlines, read
only. Both files are rendered, not static, because they name the static files by their hashed production names."""

import hashlib
import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

SHELL = ["portal/portal.css", "portal/menu.js", "portal/wizard.js", "portal/favicon.svg", "portal/icon-192.png"]
# Pages kept for reading offline: the last copy the person saw online.
KEPT_FOR_OFFLINE = ["portal:my_cases", "portal:wallet"]


@cache_control(max_age=3600)
def manifest(request):
    return JsonResponse(
        {
            "name": _("Zero-visit government services"),
            "short_name": _("Zero visits"),
            "description": _("Apply online, follow your cases, get results delivered — no visit needed."),
            "lang": request.LANGUAGE_CODE,
            "start_url": reverse("portal:home"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#b71c1c",
            "icons": [
                {"src": static("portal/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("portal/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("portal/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
                 "purpose": "maskable"},
                {"src": static("portal/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )  # fmt: skip


@cache_control(no_cache=True)
def service_worker(request):
    """At the site's root, so that its scope is the whole portal; revalidated on every visit, so a new
    release's shell replaces the old one at once (its version is a digest of the shell's file names)."""
    shell = [static(name) for name in SHELL] + [reverse("portal:offline")]
    kept = [reverse(name) for name in KEPT_FOR_OFFLINE]
    version = hashlib.sha256("\n".join(shell + kept).encode()).hexdigest()[:12]
    context = {"shell": json.dumps(shell), "kept": json.dumps(kept), "version": version}
    script = render_to_string("portal/sw.js", context)
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")


def offline(request):
    return render(request, "portal/offline.html", {"kept": KEPT_FOR_OFFLINE})
