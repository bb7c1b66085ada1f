// Runs the app's own wasm off the page's main thread: RSA keys where WebCrypto cannot make
// them, and the signing and handshakes of steps and of the lab (RSA-4096 signatures take
// longer than a frame).
import init, { generate_rsa_pkcs8, run_in_worker } from './mtls-lab.js';

const ready = init();
const KINDS = ['job', 'handshake', 'lab', 'open-keys'];

self.onmessage = async (event) => {
  await ready;
  try {
    const kind = KINDS.find((k) => event.data[k] !== undefined);
    if (kind !== undefined) {
      self.postMessage({ reply: run_in_worker(kind, event.data[kind]) });
    } else {
      const der = generate_rsa_pkcs8(event.data.rsaBits);
      self.postMessage({ der }, [der.buffer]);
    }
  } catch (error) {
    self.postMessage({ error: error?.message ?? String(error) });
  }
};
