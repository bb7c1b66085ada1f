// Runs the app's own wasm off the page's main thread: every request the page sends (a step's
// signing, a handshake, a lab scenario, opening saved keys). A request and its response are
// postcard bytes in a Uint8Array; the response echoes the request's id, so several can be in
// flight.
import init, { run_in_worker } from './mtls-lab.js';

const ready = init();

self.onmessage = async (event) => {
  await ready;
  try {
    const response = run_in_worker(event.data);
    self.postMessage(response, [response.buffer]);
  } catch (error) {
    // The wasm itself failed: no response can be written, so the page stops using this worker.
    self.postMessage({ failed: error?.message ?? String(error) });
  }
};
