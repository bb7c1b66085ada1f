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
    .catch((error) => console.warn('offline use is off:', error));
  if ('requestIdleCallback' in window) requestIdleCallback(register, { timeout: 5000 });
  else setTimeout(register, 1000);
};

init().then(keepForOffline, (error) => {
  console.error(error);
  document.getElementById('crash-notice')?.classList.add('shown');
});
