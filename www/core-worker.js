// Runs the app's own wasm off the page's main thread: RSA keys where WebCrypto cannot make
// them, and every request the page sends (a step's signing, a handshake, a lab scenario,
// opening saved keys). A request and its response are postcard bytes in a Uint8Array; the
// response echoes the request's id, so several can be in flight.
import init, { generate_rsa_pkcs8, run_in_worker } from './mtls-lab.js';

const ready = init();

self.onmessage = async (event) => {
  await ready;
  if (event.data instanceof Uint8Array) {
    try {
      const response = run_in_worker(event.data);
      self.postMessage(response, [response.buffer]);
    } catch (error) {
      // The wasm itself failed: no response can be written, so the page stops using this worker.
      self.postMessage({ failed: error?.message ?? String(error) });
    }
    return;
  }
  try {
    const der = generate_rsa_pkcs8(event.data.rsaBits);
    self.postMessage({ der }, [der.buffer]);
  } catch (error) {
    self.postMessage({ error: error?.message ?? String(error) });
  }
};
