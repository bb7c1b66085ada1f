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

init().catch((error) => {
  console.error(error);
  document.getElementById('crash-notice')?.classList.add('shown');
});

// Once the page has loaded, a service worker keeps its files for offline use and repeat visits.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((error) => console.warn('offline use is off:', error));
  });
}
