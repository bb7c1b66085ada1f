// Keeps the lab working offline and makes a repeat visit load from this browser: the first
// visit caches the app's own files, one set a build, and later visits take them from there.
// The build id is written in when the site is built (scripts/stamp-sw.sh): a new build brings
// a new service worker with a new set. It waits until the page asks for it ("updated, reload"),
// so a page never runs one build's files beside another's; the old set goes when it takes over.
const BUILD = '@BUILD@';
const CACHE = `mtls-lab-${BUILD}`;
const FILES = [
  './', 'index.html', 'boot.js', 'styles.css', 'favicon.svg', 'manifest.webmanifest',
  'icons/icon-192.png', 'icons/icon-512.png',
  'mtls-lab.js', 'mtls-lab_bg.wasm',
  'core-worker.js', 'key-worker.js', 'mtls-core.js', 'mtls-core_bg.wasm',
];

// Straight from the site, never from the HTTP cache, which may still hold the last build's files.
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(
    FILES.map((file) => new Request(file, { cache: 'reload' })),
  )));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith('mtls-lab-') && name !== CACHE).map((name) => caches.delete(name)),
  )).then(() => self.clients.claim()));
});

// The page's "Reload" on the update notice.
self.addEventListener('message', (event) => {
  if (event.data === 'take-over') self.skipWaiting();
});

// The page's own files from this build's set; anything else (there is nothing else) from the
// network.
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((cached) => cached ?? fetch(request)),
  );
});
