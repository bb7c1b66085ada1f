// Work a first run does not need, off the page's main thread and out of the page's module:
// RSA keys where WebCrypto cannot make them (a page served over plain http has none), and
// Client B's PKCS#12 files. The extras module loads only when one of them is asked for.
import init, { generate_rsa_pkcs8, make_pkcs12 } from './mtls-extras.js';

const ready = init();

self.onmessage = async (event) => {
  try {
    await ready;
    const der = event.data.pkcs12
      ? make_pkcs12(event.data.pkcs12)
      : generate_rsa_pkcs8(event.data.rsaBits);
    self.postMessage({ der }, [der.buffer]);
  } catch (error) {
    self.postMessage({ error: error?.message ?? String(error) });
  }
};
