// The revocation step in the built app: C revokes B, step 8 shows C refusing B for it, the
// zip's CRLs make openssl refuse B for the same reason, and a fresh step 6 passes again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir, sh, download, openWithPassphrase, runAllSteps, uploadText } from './harness.mjs';
import { useSite } from './site.mjs';

const PASSPHRASE = 'e2e passphrase';
const shared = useSite();

const goodVerdict = (page) => page.locator('#step-8 .scenario .verdict').first();

test('revoking B makes C refuse it in step 8 and in openssl, and a fresh certificate passes', async () => {
  const { context, page, problems } = await openWithPassphrase(shared, PASSPHRASE);
  await runAllSteps(page);

  // Checking with no CRL: the page says what rustls and openssl each do.
  await page.getByLabel(/C checks revocation/).check();
  await page.locator('#no-crl-note').waitFor();
  assert.match(await page.locator('#no-crl-note').textContent(), /unable to get certificate CRL/);

  await page.locator('#revoke-reason').selectOption('keyCompromise');
  await page.locator('#revoke-b').click();
  await page.locator('#revocation-status', { hasText: 'it is revoked' }).waitFor();
  await goodVerdict(page).filter({ hasText: /revoked/ }).waitFor({ timeout: 60000 });
  assert.match(await goodVerdict(page).textContent(), /^Handshake failed: Client C \(TLS server\) refused: .*revoked/);

  const dir = await tempDir('revocation');
  const zip = await download(page, page.getByRole('link', { name: /mtls-workshop\.zip/ }), dir);
  sh(dir, `unzip -q ${zip.target}`);
  const crls = sh(dir, 'find client_c_ca/crl -type f | sort').trim().split('\n');
  assert.deepEqual(crls, ['client_c_ca/crl/client_c_intermediate_ca.crl', 'client_c_ca/crl/client_c_root_ca.crl']);
  const verify = sh(dir, 'openssl verify -crl_check -CAfile client_c_ca/certs/client_c_ca_chain.crt -CRLfile client_c_ca/crl/client_c_intermediate_ca.crl client_c_ca/certs/client_b_signed_by_client_c.crt 2>&1 || true');
  assert.match(verify, /error 23 at 0 depth lookup: certificate revoked/);

  const der = await download(page, page.locator('a.download-der[download="client_c_intermediate_ca.crl.der"]'), dir);
  assert.match(sh(dir, `openssl crl -inform DER -in ${der.target} -noout -text`), /Key Compromise/);

  // Step 6 again: a new serial, not on the list; step 8 passes after it.
  await page.locator('#step-6 button.generate').click();
  await page.locator('#revocation-status', { hasText: 'not on C' }).waitFor({ timeout: 60000 });
  await page.locator('#step-8 button.generate').click();
  await goodVerdict(page).filter({ hasText: 'Handshake succeeded' }).waitFor({ timeout: 60000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a CRL pasted into "Check a certificate made elsewhere" is checked against C\'s CAs, and a tampered one is refused at its field', async () => {
  const { context, page, problems } = await openWithPassphrase(shared, PASSPHRASE);
  await runAllSteps(page);
  await page.locator('#revoke-reason').selectOption('keyCompromise');
  await page.locator('#revoke-b').click();
  await page.locator('#revocation-status', { hasText: 'it is revoked' }).waitFor();

  const dir = await tempDir('pasted-crl');
  const crl = await download(page, page.locator('a.download[download="client_c_intermediate_ca.crl"]'), dir);
  const chain = await download(page, page.locator('a.download[download="client_c_ca_chain.crt"]').first(), dir);
  const check = page.locator('#check-certificate');
  await check.getByText('Check a certificate made elsewhere').click();
  const error = check.locator('#check-crl-error');
  const result = check.locator('#crl-check-result');

  // The published CRL, uploaded: C's intermediate signed it, and it lists B.
  await uploadText(check.getByLabel('Or upload a CRL file:'), crl.target, check.getByLabel('CRL (PEM)'));
  await check.getByRole('button', { name: 'Check the CRL' }).click();
  await result.getByText(/^✓ Signed by Client C's intermediate CA: its signature verifies/).waitFor();
  await result.getByText(/^Current: issued /).waitFor();
  await result.getByText('CRL number 1.', { exact: true }).waitFor();
  await result.getByText(/^B's current certificate \(serial [0-9A-F]+\) is on this CRL: revoked on .*, reason: Key Compromise\.$/).waitFor();
  await result.getByText('CRL Reason Code: Key Compromise', { exact: false }).waitFor();
  assert.equal(await error.textContent(), '');
  assert.match(sh(dir, `openssl crl -in ${crl.target} -CAfile ${chain.target} -noout 2>&1`), /verify OK/);

  // The same CRL with its signature's last byte changed: refused at the field, as openssl does;
  // the last verdict stays.
  const pem = (await import('node:fs')).readFileSync(crl.target, 'utf8');
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der[der.length - 1] ^= 0x01;
  const tampered = `-----BEGIN X509 CRL-----\n${der.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END X509 CRL-----\n`;
  const tamperedFile = path.join(dir, 'tampered.crl');
  (await import('node:fs')).writeFileSync(tamperedFile, tampered);
  assert.match(sh(dir, `openssl crl -in ${tamperedFile} -CAfile ${chain.target} -noout 2>&1 || true`), /verify failure/);
  await check.getByLabel('CRL (PEM)').fill(tampered);
  await check.getByRole('button', { name: 'Check the CRL' }).click();
  await error.getByText(/^Bad signature: this CRL names Client C's intermediate CA as its issuer, but its signature does not verify with that CA's public key\./).waitFor();
  assert.match(await error.textContent(), /verify failure/);
  assert.equal(await check.locator('#check-crl').getAttribute('aria-invalid'), 'true');
  await result.getByText('CRL number 1.', { exact: true }).waitFor();

  // Not a CRL at all.
  await check.getByLabel('CRL (PEM)').fill(await page.locator('#step-1 pre.pem').first().textContent());
  await check.getByRole('button', { name: 'Check the CRL' }).click();
  await error.getByText(/found a "CERTIFICATE" block; expected "X509 CRL"/).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
