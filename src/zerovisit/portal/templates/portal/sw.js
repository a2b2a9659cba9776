/* zerovisit's service worker: the portal's shell for offline use, and the last copy of my cases and my licences,
   read only. Rendered by portal.app_views.service_worker. */
"use strict";
const VERSION = "{{ version }}";
const SHELL_CACHE = "zv-shell-" + VERSION;
const PAGE_CACHE = "zv-pages";
const SHELL = {{ shell|safe }};
const KEPT = {{ kept|safe }};
const OFFLINE = SHELL[SHELL.length - 1];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== SHELL_CACHE && n !== PAGE_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (SHELL.includes(url.pathname) && request.mode !== "navigate") {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode !== "navigate") return;
  const kept = KEPT.includes(url.pathname) && url.search === "";
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (kept && response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(PAGE_CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() => caches.match(kept ? url.pathname : OFFLINE).then((hit) => hit || caches.match(OFFLINE)))
  );
});
