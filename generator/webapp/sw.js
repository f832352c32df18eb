{#- Service worker: the pages a reader opened, and the calculator, reopen without coverage.
    (A template comment: phones never download it.)

    Installed after a page has loaded, it stores the theme files that page has
    just downloaded (the browser's cache serves them again) and each language's
    offline page, then the page itself and the calculator in the reader's
    language. Pages come from the network whenever it answers, and every page
    the network serves replaces its stored copy (the calculator is fetched again
    with each page opened): a reader with coverage always reads the current
    figures. A stored copy answers only without coverage, and then says so, with
    the day it was stored and the hotline (the page's notice, hidden until this
    worker shows it). A page never opened gets its language's offline page.
    The "Hỏi nhanh" box's script and index are kept with each page too, and
    come from the network first like pages.

    The store is named by the site's content (SETTINGS.version): a redeploy
    that changes any page makes a new store, and the pages of the old one are
    fetched again into it, or moved as they were (still dated) without coverage.
    Theme files are named by their content or checked by the server on each
    use, so they come from the store first. -#}
const SETTINGS = {{ settings | tojson }};
const STORE = "bhxh-" + SETTINGS.version;
const ROOT = new URL("./", self.location).href;
const KEPT_KINDS = ["style", "script", "image", "font", "manifest", "worker"];
const STORED_AT = "X-Outreach-Stored";  // when a page's copy was stored: shown with it offline

const prefixOf = (url) => {
  const path = url.slice(ROOT.length);
  return SETTINGS.prefixes.find((p) => p && path.startsWith(p)) || "";
};
// What a page of a language takes along: its calculator pages and the question box's script and index.
const keptWith = (url) => {
  const prefix = prefixOf(url);
  return [...(SETTINGS.calculators[prefix] || []), ...(SETTINGS.quickAsk[prefix] || [])].map((file) => ROOT + file);
};
const QUICK_ASK = new Set(Object.values(SETTINGS.quickAsk).flat().map((file) => ROOT + file));
const isPage = (response) => (response.headers.get("Content-Type") || "").startsWith("text/html");

// A copy of a page, dated: the reader offline is told how old it is.
const dated = async (response) => {
  const headers = new Headers(response.headers);
  headers.set(STORED_AT, new Date().toISOString());
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
};

// A page (or what it takes along) from the network, its stored copy replaced. A navigation follows
// the server's Cache-Control (no-cache: asked again each time); other fetches say so themselves.
const fetchKept = async (store, request, kept = isPage) => {
  const response = await fetch(request.mode === "navigate" ? request : new Request(request, { cache: "no-cache" }));
  if (response.ok && kept(response)) {
    await store.put(request, await dated(response.clone()));
  }
  return response;
};

const refresh = async (urls) => {
  const store = await caches.open(STORE);
  // No coverage now: the stored copies stay as they are, dated, until a later visit.
  await Promise.all(urls.map((url) => fetchKept(store, new Request(url), () => true).catch(() => undefined)));
};

// The old store's pages into the new one: fetched again, or moved as they were without coverage.
const carryOver = async (store, name) => {
  const old = await caches.open(name);
  let stale = false;
  for (const request of await old.keys()) {
    const response = await old.match(request);
    if (!isPage(response) || await store.match(request)) { continue; }
    try {
      const fresh = await fetchKept(store, new Request(request.url));
      if (!fresh.ok) { throw new Error(fresh.status); }
    } catch (error) {
      await store.put(request, response);
      stale = true;
    }
  }
  if (stale) {  // pages kept as they were need the theme files they name
    for (const request of await old.keys()) {
      if (!(await store.match(request))) { await store.put(request, await old.match(request)); }
    }
  }
  await caches.delete(name);
};

self.addEventListener("install", (event) => {
  const offline = Object.values(SETTINGS.offline);
  event.waitUntil(caches.open(STORE)
    .then((store) => Promise.all([
      store.addAll(SETTINGS.shell.map((file) => ROOT + file)),
      ...offline.map((page) => fetch(ROOT + page, { cache: "no-cache" }).then((r) => r.ok && store.put(ROOT + page, r))),
    ]))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const store = await caches.open(STORE);
    for (const name of await caches.keys()) {
      if (name !== STORE && name.startsWith("bhxh-")) { await carryOver(store, name); }
    }
    await self.clients.claim();
    // The page that installed this worker was loaded before it existed.
    for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
      const page = client.url.split("#")[0];
      await refresh([page, ...keptWith(page)]);
    }
  })());
});

const twoDigits = (n) => String(n).padStart(2, "0");
const dayOf = (date) => `${twoDigits(date.getDate())}/${twoDigits(date.getMonth() + 1)}/${date.getFullYear()}`;
const isoDayOf = (date) => `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;

// A stored copy, shown without coverage: its notice (hidden in the page as published) shown, with its date.
const marked = async (stored) => {
  const when = new Date(stored.headers.get(STORED_AT) || Date.now());
  const html = (await stored.text())
    .replace(" data-outreach-stored hidden", " data-outreach-stored")
    .replace("<span data-outreach-stored-date></span>",
             `<time data-outreach-stored-date datetime="${isoDayOf(when)}">${dayOf(when)}</time>`);
  const headers = new Headers(stored.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
};

// Without coverage: a page's stored copy, marked, or its language's offline page; anything else as stored.
const fromStore = async (request) => {
  const navigation = request.mode === "navigate";
  const stored = await caches.match(request, { ignoreSearch: navigation });
  if (stored) { return navigation ? marked(stored) : stored; }
  const offline = navigation && await caches.match(ROOT + SETTINGS.offline[prefixOf(request.url)]);
  if (offline) { return offline; }
  throw new Error("not stored: " + request.url);
};

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) { return; }
  if (request.mode === "navigate") {
    event.respondWith(caches.open(STORE).then((store) => fetchKept(store, request)).catch(() => fromStore(request)));
    event.waitUntil(refresh(keptWith(request.url)));
  } else if (QUICK_ASK.has(request.url)) {
    // The bank's answers change with the content: the current ones when there is coverage.
    event.respondWith(caches.open(STORE).then((store) => fetchKept(store, request, () => true)).catch(() => fromStore(request)));
  } else if (KEPT_KINDS.includes(request.destination)) {
    event.respondWith(caches.match(request).then((stored) => stored || fetch(request).then(async (response) => {
      if (response.ok) { await caches.open(STORE).then((store) => store.put(request, response.clone())); }
      return response;
    })));
  }
});
