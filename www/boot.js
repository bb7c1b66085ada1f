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
