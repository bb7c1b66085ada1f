// Makes RSA keys in a sandboxed frame of the page. Chromium gives the frame a process, and so a
// WebCrypto, of its own, which makes keys beside the page's. It answers its parent only.
onmessage = async ({ source, data }) => {
  if (source !== parent) return;
  const { id, bits } = data;
  try {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    const pair = await crypto.subtle.generateKey(algorithm, true, ['sign']);
    const der = await crypto.subtle.exportKey('pkcs8', pair.privateKey);
    parent.postMessage({ id, der }, '*', [der]);
  } catch (error) {
    parent.postMessage({ id, error: String(error?.message ?? error) }, '*');
  }
};
parent.postMessage({ ready: Boolean(self.crypto?.subtle) }, '*');
