// Runs the core module off the page's main thread: every request the page sends it (step 8's
// handshakes, the lab's scenarios, RSA signing, opening saved keys). A request and its response
// are postcard bytes in a Uint8Array; the response echoes the request's id, so several can be
// in flight. The page's own module carries none of this work.
import init, { run_in_worker, warm_up } from './mtls-core.js';

// The module, with a throwaway workshop run once so that the first real handshake finds its
// code compiled.
const ready = init().then(() => warm_up());
// Tells the page the module is up, so a benchmark can tell loading from running.
ready.then(() => self.postMessage({ ready: true }), () => {});

self.onmessage = async (event) => {
  try {
    await ready;
    const response = run_in_worker(event.data);
    self.postMessage(response, [response.buffer]);
  } catch (error) {
    // The wasm itself failed: no response can be written, so the page stops using this worker.
    self.postMessage({ failed: error?.message ?? String(error) });
  }
};
