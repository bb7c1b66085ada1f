// Every step clicked one by one, with and without intermediates, with P-256 and with the seed's
// RSA sizes; the downloaded files then pass the seed's own verification commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir, sh, openWithPassphrase } from './harness.mjs';
import { useSite } from './site.mjs';

const PASSPHRASE = 'walk passphrase';
const shared = useSite();

for (const { rsa, intermediates } of [
  { rsa: false, intermediates: true },
  { rsa: false, intermediates: false },
  { rsa: true, intermediates: true },
  { rsa: true, intermediates: false },
]) {
  const name = `${rsa ? "the seed's RSA keys" : 'P-256 keys'}, ${intermediates ? 'with' : 'without'} intermediates`;
  test(`step by step: ${name}`, async () => {
    const { context, page, problems } = await openWithPassphrase(shared, PASSPHRASE);
    if (rsa) await page.getByRole('button', { name: /The seed's keys/ }).click();
    if (!intermediates) await page.getByLabel(/Use intermediate CAs/).uncheck();

    for (let n = 1; n <= 8; n++) {
      const step = page.locator(`#step-${n}`);
      if (await step.locator('.badge.skipped').count()) {
        assert.ok(!intermediates && (n === 3 || n === 4), `step ${n} skipped`);
        continue;
      }
      await step.getByRole('button', { name: n === 8 ? 'Run the handshakes' : 'Generate' }).click();
      await step.locator('.badge.fresh').waitFor({ timeout: 60000 });
    }
    await page.getByText('Handshake succeeded', { exact: true }).waitFor();
    assert.equal(await page.locator('.badge.stale').count(), 0);

    const dir = await tempDir('walk');
    const zipLink = page.getByRole('link', { name: /mtls-workshop\.zip/ });
    await zipLink.waitFor();
    const [file] = await Promise.all([page.waitForEvent('download'), zipLink.click()]);
    const zip = path.join(dir, 'mtls-workshop.zip');
    await file.saveAs(zip);
    sh(dir, `unzip -q ${zip}`);
    const env = { KEY_PASSPHRASE: PASSPHRASE };
    const untrusted = intermediates ? '-untrusted client_c_ca/certs/client_c_intermediate_ca.crt' : '';
    // The seed's verification section.
    assert.match(sh(dir, `openssl verify -show_chain -CAfile client_c_ca/certs/client_c_root_ca.crt ${untrusted} client_b_cert/client_b_signed_by_client_c.crt`), /: OK/);
    assert.match(sh(dir, 'openssl x509 -in client_b_cert/client_b_signed_by_client_c.crt -noout -dates'), /notAfter=/);
    assert.match(sh(dir, 'openssl req -in client_b_cert/client_b_to_client_c.csr -verify -noout 2>&1'), /verify OK/);
    if (intermediates) {
      assert.match(sh(dir, 'openssl verify -CAfile client_c_ca/certs/client_c_root_ca.crt client_c_ca/certs/client_c_intermediate_ca.crt'), /: OK/);
      assert.match(sh(dir, 'openssl verify -CAfile client_b_ca/certs/client_b_root_ca.crt client_b_ca/certs/client_b_intermediate_ca.crt'), /: OK/);
    }
    const hashes = [
      'openssl pkey -in client_b_cert/client_b.key -passin env:KEY_PASSPHRASE -pubout | openssl sha256',
      'openssl x509 -in client_b_cert/client_b_signed_by_client_c.crt -noout -pubkey | openssl sha256',
      'openssl req -in client_b_cert/client_b_to_client_c.csr -noout -pubkey | openssl sha256',
    ].map((c) => sh(dir, c, env).trim());
    assert.equal(new Set(hashes).size, 1, hashes.join('\n'));
    if (rsa) {
      const moduli = [
        'openssl rsa -noout -modulus -in client_b_cert/client_b.key -passin env:KEY_PASSPHRASE | openssl sha256',
        'openssl x509 -noout -modulus -in client_b_cert/client_b_signed_by_client_c.crt | openssl sha256',
        'openssl req -noout -modulus -in client_b_cert/client_b_to_client_c.csr | openssl sha256',
      ].map((c) => sh(dir, c, env).trim());
      assert.equal(new Set(moduli).size, 1, moduli.join('\n'));
      assert.match(sh(dir, 'openssl x509 -in client_c_ca/certs/client_c_root_ca.crt -noout -text'), /Public-Key: \(4096 bit\)/);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}
