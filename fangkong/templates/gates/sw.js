{% autoescape off %}/* The gate console's service worker (docs/gate-console-offline.md), rendered by the gates app with this
   release's version and the static files the console needs. Scope: the gate pages.
   - install: precache the static files into this version's cache; take over at once (skipWaiting), so a new
     release is in charge from the next online load, and the page reloads once when it changes hands;
   - activate: delete other versions' caches, claim the open pages;
   - a console page (navigation): network first, each successful load kept; offline, the kept copy;
   - static files: cache first from this version's cache, fetched and kept on a miss;
   - the API and every other request: not touched, never cached (scans, feeds, tokens are the page's). */
"use strict";

const VERSION = "{{ version|escapejs }}";
const PRECACHE = [{% for url in precache %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const PREFIX = "fangkong-gate-";
const CACHE = PREFIX + VERSION;
const SCOPE = new URL(self.registration.scope).pathname; // "/gate/"
const STATIC = "/static/";
const LAST_CONSOLE = SCOPE + "__last-console__"; // the app's start page offline: the console last opened

const MARK = "data-offline-console"; // on the console's page only: no other page (lists of people) is kept

// A gate's console: /gate/<code>/, nothing deeper (visitor, incident and the roster need the server).
function isConsole(url) {
  return url.origin === self.location.origin && url.pathname.startsWith(SCOPE)
    && /^[^/]+\/$/.test(url.pathname.slice(SCOPE.length));
}

/** Keep a console page (the query string dropped: ?direction= is the same page); false if it is not one. */
async function keepPage(cache, request, response) {
  const body = await response.clone().text();
  if (!body.includes(MARK)) return false;
  const headers = new Headers(response.headers);
  const copy = () => new Response(body, { status: 200, headers });
  const url = new URL(request.url);
  url.search = "";
  await cache.put(url.href, copy());
  await cache.put(LAST_CONSOLE, copy());
  return true;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One by one: a file missing from the list must not leave the whole console without a cache.
    await Promise.all(PRECACHE.map((url) => cache.add(new Request(url, { cache: "reload" })).catch(() => null)));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

async function navigation(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    // A redirect (to the login page) or an error page is not the console: kept copies stay as they were.
    if (response.ok && !response.redirected && isConsole(url)) await keepPage(cache, request, response);
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: true, ignoreVary: true })
      || (url.pathname === SCOPE ? await cache.match(LAST_CONSOLE) : undefined);
    if (kept) return kept;
    throw error;
  }
}

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(SCOPE)) {
    event.respondWith(navigation(request));
  } else if (url.pathname.startsWith(STATIC)) {
    event.respondWith(staticFile(request));
  }
});

// The page that was open when this worker took over asks for itself and its static files to be kept: its
// own load came from the network before any worker was there.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep") return;
  const reply = event.ports && event.ports[0];
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    let ok = true;
    for (const href of data.statics || []) {
      const url = new URL(href, self.location.origin);
      if (url.origin !== self.location.origin || !url.pathname.startsWith(STATIC)) continue;
      if (await cache.match(url.href, { ignoreSearch: true })) continue;
      try {
        const response = await fetch(url.href);
        if (response.ok) await cache.put(url.href, response);
      } catch (e) { ok = false; }
    }
    const page = new URL(data.page || "", self.location.origin);
    if (isConsole(page)) {
      try {
        const response = await fetch(page.href, { credentials: "same-origin" });
        ok = response.ok && !response.redirected && await keepPage(cache, new Request(page.href), response);
      } catch (e) { ok = false; }
    }
    if (reply) reply.postMessage({ ok, version: VERSION });
  })());
});
{% endautoescape %}
