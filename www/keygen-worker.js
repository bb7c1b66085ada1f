// Makes RSA keys off the page's main thread where WebCrypto cannot (a page served over plain
// http has none). Its module holds only the key generator, and loads only when needed.
import init, { generate_rsa_pkcs8 } from './mtls-keygen.js';

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
