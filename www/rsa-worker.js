// Makes RSA keys with the app's own wasm when WebCrypto cannot, off the page's main thread.
import init, { generate_rsa_pkcs8 } from './mtls-lab.js';

const ready = init();

self.onmessage = async (event) => {
  await ready;
  try {
    const der = generate_rsa_pkcs8(event.data);
    self.postMessage({ der }, [der.buffer]);
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
