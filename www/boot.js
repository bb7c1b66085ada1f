// Loads the app without an inline script, so the Content-Security-Policy can forbid them.
import init from './mtls-lab.js';

// Where no worker can start, the page imports the core module itself, once, when it first
// needs it: the work is slower for the page, but it runs.
let coreInPage;
globalThis.mtlsLabCoreInPage = () => {
  coreInPage ??= import('./mtls-core.js').then(async (core) => {
    await core.default();
    return core;
  });
  return coreInPage;
};

// A service worker keeps the page's files for offline use and repeat visits. It is registered
// once the app runs and the browser is idle, so that fetching the files for it does not compete
// with the first load.
const keepForOffline = () => {
  if (!('serviceWorker' in navigator)) return;
  const register = () => navigator.serviceWorker.register('./sw.js')
    .then(offerUpdate)
    .catch((error) => console.warn('offline use is off:', error));
  if ('requestIdleCallback' in window) requestIdleCallback(register, { timeout: 5000 });
  else setTimeout(register, 1000);
};

// A newer build, once its service worker holds all of its files, waits for this page's word:
// the notice's button lets it take over, and the page reloads on the new build's files alone.
const offerUpdate = (registration) => {
  const notice = document.getElementById('update-notice');
  const show = () => {
    if (registration.waiting && navigator.serviceWorker.controller) notice.classList.add('shown');
  };
  // The browser looks for a new build at each visit; it may already be installing it.
  const follow = () => registration.installing?.addEventListener('statechange', show);
  show();
  follow();
  registration.addEventListener('updatefound', follow);
  notice.querySelector('button').addEventListener('click', () => {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    registration.waiting?.postMessage('take-over');
  });
};

init().then(keepForOffline, (error) => {
  console.error(error);
  document.getElementById('crash-notice')?.classList.add('shown');
});
