// Keeps the lab working offline and makes a repeat visit load from this browser: the first
// visit caches the app's own files, one set a build, and later visits take them from there.
// The build id is written in when the site is built (scripts/stamp-sw.sh): a new build brings
// a new service worker and a new set, and the old set goes once no page uses it.
const BUILD = '@BUILD@';
const CACHE = `mtls-lab-${BUILD}`;
const FILES = [
  './', 'index.html', 'boot.js', 'styles.css', 'favicon.svg',
  'mtls-lab.js', 'mtls-lab_bg.wasm',
  'core-worker.js', 'key-worker.js', 'mtls-core.js', 'mtls-core_bg.wasm',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith('mtls-lab-') && name !== CACHE).map((name) => caches.delete(name)),
  )));
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
