// Runs the app's own wasm off the page's main thread: RSA keys where WebCrypto cannot make
// them, and the signing work of each step (RSA-4096 signatures take longer than a frame).
import init, { generate_rsa_pkcs8, run_step_job } from './mtls-lab.js';

const ready = init();

self.onmessage = async (event) => {
  await ready;
  const { rsaBits, job } = event.data;
  try {
    if (job !== undefined) {
      self.postMessage({ products: run_step_job(job) });
    } else {
      const der = generate_rsa_pkcs8(rsaBits);
      self.postMessage({ der }, [der.buffer]);
    }
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
