{#- Service worker: the pages a reader opened, and the calculator, reopen without coverage.
    (A template comment: phones never download it.)

    Installed after a page has loaded, it stores only the theme files that page
    has just downloaded (the browser's cache serves them again), then the page
    itself and the calculator in the reader's language. Pages come from the
    network first, so a reader with coverage always gets the current text; the
    stored copy answers when there is none. The "Hỏi nhanh" box's script and index are
    kept with each page too, and come from the network first like pages. Theme files are named by their
    content or versioned by this file, so they come from the store first. -#}
const SETTINGS = {{ settings | tojson }};
const STORE = "bhxh-" + SETTINGS.version;
const ROOT = new URL("./", self.location).href;
const KEPT_KINDS = ["style", "script", "image", "font", "manifest", "worker"];

// What a page of a language takes along: its calculator pages and the question box's script and index.
const calculatorsFor = (url) => {
  const path = url.slice(ROOT.length);
  const prefix = SETTINGS.prefixes.find((p) => p && path.startsWith(p)) || "";
  return [...(SETTINGS.calculators[prefix] || []), ...(SETTINGS.quickAsk[prefix] || [])].map((file) => ROOT + file);
};
const QUICK_ASK = new Set(Object.values(SETTINGS.quickAsk).flat().map((file) => ROOT + file));

const keep = async (urls) => {
  const store = await caches.open(STORE);
  await Promise.all(urls.map(async (url) => {
    if (!(await store.match(url))) {
      await store.add(url).catch(() => undefined);  // no coverage now: kept on a later visit
    }
  }));
};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STORE)
    .then((store) => store.addAll(SETTINGS.shell.map((file) => ROOT + file)))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== STORE) { await caches.delete(name); }
    }
    await self.clients.claim();
    // The page that installed this worker was loaded before it existed.
    for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
      const page = client.url.split("#")[0];
      await keep([page, ...calculatorsFor(page)]);
    }
  })());
});

const fromNetwork = async (request, kept) => {
  const response = await fetch(request);
  if (response.ok && kept(response)) {
    const copy = response.clone();
    await caches.open(STORE).then((store) => store.put(request, copy));
  }
  return response;
};

const fromStore = async (request) => {
  const stored = await caches.match(request, { ignoreSearch: request.mode === "navigate" });
  if (!stored) { throw new Error("not stored: " + request.url); }
  return stored;
};

const isPage = (response) => (response.headers.get("Content-Type") || "").startsWith("text/html");

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fromNetwork(request, isPage).catch(() => fromStore(request)));
    event.waitUntil(keep(calculatorsFor(request.url)));
  } else if (QUICK_ASK.has(request.url)) {
    // The bank's answers change with the content: the current ones when there is coverage.
    event.respondWith(fromNetwork(request, () => true).catch(() => fromStore(request)));
  } else if (KEPT_KINDS.includes(request.destination)) {
    event.respondWith(fromStore(request).catch(() => fromNetwork(request, () => true)));
  }
});
