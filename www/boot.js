// Loads the app without an inline script, so the Content-Security-Policy can forbid them.
import init from './mtls-lab.js';

init().catch((error) => {
  console.error(error);
  document.getElementById('crash-notice')?.classList.add('shown');
});
