// One RSA key, off the page's main thread, where WebCrypto cannot make keys (a page served over
// plain http has none): the page starts one of these workers a key, so several keys are made at
// once. It loads the core module, which the page's own module does not carry.
import init, { generate_rsa_pkcs8 } from './mtls-core.js';

const ready = init();

self.onmessage = async (event) => {
  try {
    await ready;
    const der = generate_rsa_pkcs8(event.data.rsaBits);
    self.postMessage({ der }, [der.buffer]);
  } catch (error) {
    self.postMessage({ error: error?.message ?? String(error) });
  }
};
