// The built app, clicked through in headless Chromium: the contracts of the workshop page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir, sh, startServer, startProcess, waitUntil, download, openPage, runAllSteps, uploadText } from './harness.mjs';
import { useSite } from './site.mjs';
import { checkSeedZip, SEED_PATHS } from './seed-files.mjs';

const PASSPHRASE = 'e2e passphrase';

const shared = useSite();

/** A fresh page that records every request it makes. */
const openApp = (options) => openPage(shared, options);

async function runAll(page) {
  await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
  await runAllSteps(page);
}

test('Run all steps ends in a handshake, and the zip works with openssl as the seed says', async () => {
  const { page, context, requests, problems } = await openApp();
  await runAll(page);
  // Each run is drawn in a task of its own, the good run first.
  await page.locator('.scenario .verdict').nth(2).waitFor();
  const verdicts = await page.locator('.scenario .verdict').allTextContents();
  assert.equal(verdicts.length, 3);
  assert.equal(verdicts[0], 'Handshake succeeded');
  assert.match(verdicts[1], /^Handshake failed: Client C \(TLS server\) refused: /);
  assert.match(verdicts[2], /^Handshake failed: Client C \(TLS server\) refused: /);
  // The record trace is drawn once its disclosure opens.
  const first = page.locator('.scenario').first();
  assert.equal(await first.locator('table.trace').count(), 0);
  await first.getByText(/^Record trace \(\d+ records\)$/).click();
  const trace = await first.locator('table.trace').textContent();
  assert.match(trace, /ClientHello/);
  assert.match(trace, /ServerHello/);

  const dir = await tempDir('zip');
  const zipLink = page.getByRole('link', { name: /mtls-workshop\.zip/ });
  await zipLink.waitFor();
  assert.equal(await zipLink.getAttribute('download'), 'mtls-workshop.zip');
  const zip = await download(page, zipLink, dir);
  assert.equal(zip.name, 'mtls-workshop.zip');
  checkSeedZip(dir, zip.target, PASSPHRASE);
  const env = { KEY_PASSPHRASE: PASSPHRASE };

  // Step 8 as the page shows it: each block run as shown (only the port differs), each
  // judged by the output the page says it prints, read from the page itself.
  await page.locator('#step-8').getByRole('tab', { name: 'Commands' }).click();
  const blocks = await page.locator('#step-8 .command').evaluateAll((divs) => divs.map((div) => ({
    title: div.querySelector('h4').textContent,
    script: div.querySelector('pre').textContent,
    expect: [...div.querySelectorAll('.expect code')].map((c) => [c.textContent, c.nextSibling.textContent.trim()]),
  })));
  const serverBlock = blocks.find((b) => b.title.startsWith('Start Client C'));
  const clientBlocks = blocks.filter((b) => b.expect.length > 0);
  assert.equal(clientBlocks.length, 3);
  for (const block of clientBlocks) {
    const server = await startServer(dir, serverBlock.script, env);
    const line = `ping-${clientBlocks.indexOf(block)}`;
    const client = startProcess(dir, block.script.replaceAll('8443', String(server.port)), env, `${line}\n`);
    try {
      const shouldReach = block.title.startsWith('Connect from Client B with its certificate');
      const seen = () => block.expect.every(([text, where]) => (where === '(client)' ? client.log() : server.log()).includes(text))
        && (!shouldReach || server.log().includes(line));
      assert.ok(await waitUntil(seen), `${block.title}\nexpected ${JSON.stringify(block.expect)}\nclient:\n${client.log()}\ns_server:\n${server.log()}`);
      assert.equal(server.log().includes(line), shouldReach, block.title);
    } finally {
      client.stop();
      server.stop();
    }
  }

  assert.deepEqual(problems, []);
  const foreign = requests.filter((u) => !u.startsWith(shared.origin) && !u.startsWith('data:') && !u.startsWith(`blob:${shared.origin}/`));
  assert.deepEqual(foreign, [], 'the page made requests outside its own origin');
  await context.close();
});

test('every artifact has its own download link named after its file', async () => {
  const { page, context } = await openApp();
  await runAll(page);
  const dir = await tempDir('files');
  const links = page.locator('.downloads a.download');
  await page.locator('.downloads a.download[download="client_b.key"]').waitFor();
  await page.locator('.downloads a.download[download="client_c_server.key"]').waitFor();
  const names = await links.evaluateAll((as) => as.map((a) => a.getAttribute('download')));
  const expected = SEED_PATHS.map((p) => p.split('/').pop());
  assert.deepEqual([...names].sort(), [...expected].sort());
  const key = await download(page, page.locator('a.download[download="client_b.key"]'), dir);
  assert.equal(key.name, 'client_b.key');
  assert.match(readFileSync(key.target, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  const cert = await download(page, page.locator('a.download[download="client_c_root_ca.crt"]'), dir);
  assert.match(sh(dir, `openssl x509 -in ${cert.target} -noout -subject`), /CN = Client C Root CA/);

  // The plain-key option, for tools that cannot prompt.
  await page.getByLabel(/Download keys unencrypted/).check();
  await page.locator('a.download[download="client_b.key"]').waitFor();
  const plain = await download(page, page.locator('a.download[download="client_b.key"]'), dir);
  assert.match(readFileSync(plain.target, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
  await context.close();
});

test('bad input is refused by its field and changes nothing else', async () => {
  const { page, context, problems } = await openApp();
  await runAll(page);
  const step1 = page.locator('#step-1');
  const pemBefore = await step1.locator('pre.pem').textContent();

  const cn = step1.getByLabel('Common name (CN)');
  await cn.fill('');
  await step1.getByText('The common name (CN) cannot be empty.').waitFor();
  await step1.getByRole('button', { name: 'Generate' }).click();
  assert.equal(await step1.locator('pre.pem').textContent(), pemBefore);
  await cn.fill('Client C Root CA');

  await step1.getByLabel('Country (C)').fill('FRA');
  await step1.getByText('The country (C) must be exactly two letters, such as FR.').waitFor();
  await step1.getByLabel('Country (C)').fill('FR');

  await step1.getByLabel('Validity (days)').fill('0');
  await step1.getByText(/Validity must be between 1 and/).waitFor();
  await step1.getByRole('button', { name: 'Generate' }).click();
  assert.equal(await step1.locator('pre.pem').textContent(), pemBefore);
  await step1.getByLabel('Validity (days)').fill('3650');

  const step7 = page.locator('#step-7');
  await step7.getByLabel(/Subject alternative names/).fill('client-c.local, 999.1.1.1');
  await step7.getByText('"999.1.1.1" is not a valid IP address.').waitFor();

  // A garbage CSR and a wrong key passphrase, each answered at its own field.
  const step6 = page.locator('#step-6');
  const step6Pem = await step6.locator('pre.pem').first().textContent();
  await step6.getByText('Sign a CSR made elsewhere').click();
  await step6.getByLabel('Certificate signing request (PEM)').fill('-----BEGIN CERTIFICATE REQUEST-----\nnot base64 at all\n-----END CERTIFICATE REQUEST-----\n');
  await step6.getByRole('button', { name: 'Sign the pasted CSR' }).click();
  await step6.locator('#external-csr-error').getByText(/not usable PEM|certificate signing request/).waitFor();
  assert.equal(await step6.locator('pre.pem').first().textContent(), step6Pem);

  const step5 = page.locator('#step-5');
  const csrBefore = await step5.locator('pre.pem').textContent();
  const dir = await tempDir('own-key');
  sh(dir, 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass pass:right-one -out own.key');
  await step5.getByText("Use Client B's own key instead").click();
  await step5.getByLabel("Client B's private key (PEM)").fill(readFileSync(path.join(dir, 'own.key'), 'utf8'));
  await step5.getByLabel('Passphrase of that key (if encrypted)').fill('wrong-one');
  await step5.getByRole('button', { name: 'Use this key and make the CSR' }).click();
  await step5.getByText('the passphrase does not decrypt this key').waitFor();
  assert.equal(await step5.locator('pre.pem').textContent(), csrBefore);

  // A CSR from openssl, pasted in, comes back signed and verifies against the chain.
  sh(dir, 'openssl req -new -key own.key -passin pass:right-one -subj "/CN=learner.example" -out own.csr');
  await step6.getByLabel('Certificate signing request (PEM)').fill(readFileSync(path.join(dir, 'own.csr'), 'utf8'));
  await step6.getByRole('button', { name: 'Sign the pasted CSR' }).click();
  const signed = await download(page, step6.locator('a[download="pasted_csr_signed_by_client_c.crt"]'), dir);
  const chain = await download(page, step6.locator('a.download[download="client_c_ca_chain.crt"]').first(), dir);
  assert.match(sh(dir, `openssl verify -CAfile ${chain.target} ${signed.target}`), /: OK/);

  assert.equal(await page.getByText('Handshake succeeded', { exact: true }).count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('steps have Result and Commands tabs, commands copy in one click, and the verification section agrees with openssl', async () => {
  const { page, context, problems } = await openApp({ permissions: ['clipboard-read', 'clipboard-write'] });
  await runAll(page);
  const step1 = page.locator('#step-1');
  const commandsTab = step1.getByRole('tab', { name: 'Commands' });
  await commandsTab.click();
  assert.equal(await commandsTab.getAttribute('aria-selected'), 'true');
  const block = step1.locator('.command').nth(1);
  const script = await block.locator('pre').textContent();
  assert.match(script, /openssl req -x509 -new -key private\/client_c_root_ca\.key/);
  assert.match(script, /-subj '\/C=FR\/ST=Iles-De-France\/L=Paris\/O=Client C Organization\/OU=IT Department\/CN=Client C Root CA'/);
  await block.getByRole('button', { name: /^Copy/ }).click();
  await block.getByRole('button', { name: /^Copy/ }).filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), script);
  await step1.getByRole('tab', { name: 'Result' }).click();
  await step1.locator('.cert').first().waitFor();

  const verification = page.locator('#verification');
  await verification.getByText('✓ Key, CSR and certificate hold the same public key').waitFor();
  await verification.getByText(/✓ Client B's certificate chains to Client C's root/).waitFor();
  await verification.getByText(/✓ Client C's server certificate chains/).waitFor();
  const dir = await tempDir('verify');
  const key = await download(page, page.locator('a.download[download="client_b.key"]'), dir);
  const hash = sh(dir, `openssl pkey -in ${key.target} -passin env:KEY_PASSPHRASE -pubout | openssl sha256`, { KEY_PASSPHRASE: PASSPHRASE }).trim().split(' ').pop();
  assert.equal(await verification.getByText(hash, { exact: true }).count(), 3);
  assert.deepEqual(problems, []);
  await context.close();
});

test('DER and PKCS#12 downloads, and a pasted or uploaded certificate is decoded and verified against both CAs', async () => {
  const { page, context, problems } = await openApp();
  await runAll(page);
  const dir = await tempDir('der');
  const der = await download(page, page.locator('a.download-der[download="client_c_server.der"]'), dir);
  assert.match(sh(dir, `openssl x509 -inform DER -in ${der.target} -noout -subject`), /CN = client-c.local/);
  const csrDer = await download(page, page.locator('a.download-der[download="client_b_to_client_c.csr.der"]').first(), dir);
  assert.match(sh(dir, `openssl req -inform DER -in ${csrDer.target} -noout -verify 2>&1`), /verify OK/);

  for (const [name, legacy] of [['client_b.p12', ''], ['client_b_legacy.p12', '-legacy']]) {
    const p12 = await download(page, page.locator(`a.download-p12[download="${name}"]`), dir);
    const info = sh(dir, `openssl pkcs12 ${legacy} -in ${p12.target} -passin env:KEY_PASSPHRASE -info -noenc 2>&1`, { KEY_PASSPHRASE: PASSPHRASE });
    assert.equal(info.match(/-----BEGIN CERTIFICATE-----/g).length, 3, info);
    assert.match(info, /-----BEGIN PRIVATE KEY-----/);
  }
  // Another alias, no root and an export password of its own: keytool reads the files with it.
  await page.getByLabel('Alias (friendly name)').fill('b-in-java');
  await page.getByLabel('Export password (empty: the key passphrase)').fill('export password 42');
  await page.locator('#p12-root').uncheck();
  const exported = page.locator('a.download-p12[download="client_b.p12"]');
  await exported.waitFor({ timeout: 30000 });
  const identity = await download(page, exported, dir);
  const listed = sh(dir, `keytool -list -v -storetype PKCS12 -keystore ${identity.target} -storepass 'export password 42'`);
  assert.match(listed, /Alias name: b-in-java/);
  assert.match(listed, /Certificate chain length: 2/);
  const trust = await download(page, page.locator('a.download-p12[download="client_c_truststore.p12"]'), dir);
  const trusted = sh(dir, `keytool -list -storetype PKCS12 -keystore ${trust.target} -storepass 'export password 42'`);
  assert.equal(trusted.match(/trustedCertEntry/g).length, 2, trusted);
  await page.getByLabel('Alias (friendly name)').fill('');
  await page.locator('#p12-alias-error').getByText(/Give the file an alias/).waitFor();

  const pem = await download(page, page.locator('a.download[download="client_c_server.crt"]'), dir);
  const check = page.locator('#check-certificate');
  await check.getByText('Check a certificate made elsewhere').click();
  await check.getByLabel('Certificate (PEM)').fill('not a certificate');
  await check.getByRole('button', { name: 'Decode and verify' }).click();
  await check.locator('#check-cert-error').getByText(/no -----BEGIN/).waitFor();
  await uploadText(check.getByLabel('Or upload a certificate file:'), pem.target, check.getByLabel('Certificate (PEM)'));
  await check.getByRole('button', { name: 'Decode and verify' }).click();
  // Against C's CA, for a server: webpki and openssl both accept it, and no note says otherwise.
  const asServer = check.locator('.check-purpose', { hasText: 'For server authentication' }).first();
  await asServer.getByText('webpki (rustls): ✓ verifies (3 certificates up to the root)').waitFor();
  await asServer.getByText('openssl verify -purpose sslserver: OK').waitFor();
  assert.equal(await asServer.locator('.disagree').count(), 0);
  const asClient = check.locator('.check-purpose', { hasText: 'For client authentication' }).first();
  await asClient.getByText('openssl verify -purpose sslclient: error 26 at 0 depth lookup: unsuitable certificate purpose').waitFor();
  assert.equal(await check.locator('#check-cert-error').textContent(), '');
  // An oversized upload is refused by its field, and the last result stays.
  const big = path.join(dir, 'big.pem');
  (await import('node:fs')).writeFileSync(big, 'A'.repeat(400 * 1024));
  await check.getByLabel('Or upload a certificate file:').setInputFiles(big);
  await check.locator('#check-cert-error').getByText(/the limit is 256 KiB/).waitFor();
  await asServer.getByText('webpki (rustls): ✓ verifies (3 certificates up to the root)').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the workshop survives a reload, its keys behind the passphrase, and Reset starts over', async () => {
  const { page, context, problems } = await openApp();
  await runAll(page);
  const root = await page.locator('#step-1 pre.pem').textContent();
  await page.locator('#saved-note').getByText(/Private keys are stored encrypted with your key passphrase/).waitFor();
  await page.waitForFunction(() => (localStorage.getItem('mtls-lab.workshop') ?? '').split('ENCRYPTED PRIVATE KEY-----').length === 13);
  const stored = await page.evaluate(() => localStorage.getItem('mtls-lab.workshop'));
  assert.match(stored, /ENCRYPTED PRIVATE KEY/);
  assert.doesNotMatch(stored, /BEGIN PRIVATE KEY/);

  await page.reload();
  await page.getByRole('button', { name: 'Restore saved workshop' }).waitFor();
  await page.getByLabel('Key passphrase', { exact: true }).fill('not the passphrase');
  await page.getByRole('button', { name: 'Restore saved workshop' }).click();
  await page.getByText('This passphrase does not open the saved keys.').waitFor();
  assert.equal(await page.locator('pre.pem').count(), 0, 'nothing restored on a wrong passphrase');
  await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Restore saved workshop' }).click();
  await page.getByText('Handshake succeeded', { exact: true }).waitFor();
  assert.equal(await page.locator('#step-1 pre.pem').textContent(), root);
  assert.equal(await page.locator('.badge.fresh').count(), 8);

  // Unencrypted keys come back by themselves.
  await page.getByLabel(/Download keys unencrypted/).check();
  await page.locator('#saved-note').getByText(/stored UNENCRYPTED/).waitFor();
  await page.waitForFunction(() => (localStorage.getItem('mtls-lab.workshop') ?? '').split('BEGIN PRIVATE KEY-----').length === 7);
  await page.reload();
  await page.getByText('Handshake succeeded', { exact: true }).waitFor();
  assert.equal(await page.locator('#step-1 pre.pem').textContent(), root);

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Reset workshop' }).click();
  await page.getByText(/Started over/).waitFor();
  // The results are drawn part by part, each in a task of its own.
  await page.waitForFunction(() => document.querySelectorAll('pre.pem').length === 0);
  await page.waitForTimeout(500);
  assert.doesNotMatch(await page.evaluate(() => localStorage.getItem('mtls-lab.workshop') ?? ''), /BEGIN/);
  await page.reload();
  await page.getByRole('button', { name: 'Run all steps' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Restore saved workshop' }).count(), 0);
  assert.equal(await page.locator('pre.pem').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('The handshake lab runs every scenario, shows each verdict, and its capture decodes in tshark', async () => {
  const { page, context, requests, problems } = await openApp();
  await runAll(page);
  // One row alone first: the others wait, marked as not run.
  const rows = page.locator('#lab tr[data-scenario]');
  assert.equal(await rows.count(), 26);
  await page.getByRole('button', { name: 'Run: B\'s certificate with another private key' }).click();
  await page.getByText('1 of 1 scenarios ended as expected.').waitFor({ timeout: 60000 });
  assert.equal(await page.locator('#lab tr[data-as-expected="not-run"]').count(), 25);
  assert.match(await page.locator('#lab tr[data-scenario="mismatched-key"] .rustls-error').textContent(), /BadSignature/);
  await page.getByRole('button', { name: 'Run every scenario' }).click();
  // Waits for the lab to end whatever its outcome, so that a failure says which it was.
  const ended = page.locator('.lab-progress').getByText(/^\d+ of 26 scenarios ended as expected\.$|steps changed/);
  await ended.waitFor({ timeout: 120000 });
  const unexpected = await page.locator('#lab tr[data-as-expected="false"]').evaluateAll((trs) => trs.map((tr) => tr.textContent));
  assert.equal(await ended.textContent(), '26 of 26 scenarios ended as expected.', unexpected.join('\n'));
  assert.equal(await rows.count(), 26);
  const verdicts = {};
  for (const row of await rows.all()) {
    const id = await row.getAttribute('data-scenario');
    assert.equal(await row.getAttribute('data-as-expected'), 'true', id);
    verdicts[id] = {
      expected: await row.locator('.expected-verdict').textContent(),
      actual: await row.locator('.actual-verdict').textContent(),
      error: await row.locator('.rustls-error').textContent(),
    };
  }
  assert.equal(verdicts['good-tls13'].expected, 'accepted');
  assert.match(verdicts['good-tls13'].actual, /^accepted ✓ as expected$/);
  assert.match(verdicts['good-tls12'].actual, /^accepted/);
  assert.match(verdicts['federated'].actual, /^accepted/);
  assert.match(verdicts['wrong-server-name'].actual, /^refused by Client B ✓/);
  // Plain words first, rustls's own name beside them in small type.
  assert.match(verdicts['wrong-server-name'].error, /not in its subjectAltName.*rustls: InvalidCertificate\(NotValidForNameContext\)/);
  assert.match(verdicts['no-client-cert'].error, /^Client B sent no certificate, and Client C requires one\.rustls: NoCertificatesPresented$/);
  assert.match(verdicts['expired'].error, /has expired.*InvalidCertificate\(ExpiredContext\)/);
  assert.match(verdicts['not-yet-valid'].error, /is not valid yet.*InvalidCertificate\(NotValidYetContext\)/);
  assert.match(verdicts['server-cert-as-client'].error, /lacks clientAuth.*InvalidCertificate\(InvalidPurposeContext\)/);
  assert.match(verdicts['pathlen-exceeded'].error, /pathlen allows.*Other\(PathLenConstraintViolated\)/);
  assert.match(verdicts['issued-by-non-ca'].error, /without being a CA.*Other\(EndEntityUsedAsCa\)/);
  assert.match(verdicts['mismatched-key'].error, /CertificateVerify.*InvalidCertificate\(BadSignature\)/);
  assert.match(verdicts['client-root-as-cert'].error, /is a CA certificate.*Other\(CaUsedAsEndEntity\)/);
  assert.match(verdicts['revoked'].error, /is revoked: its serial number is on a CRL.*InvalidCertificate\(Revoked\)/);
  assert.match(verdicts['expired-crl'].error, /past its nextUpdate.*InvalidCertificate\(ExpiredRevocationList/);
  assert.match(verdicts['no-crl-for-intermediate'].error, /revocation status is unknown.*InvalidCertificate\(UnknownRevocationStatus\)/);
  // Optional client authentication: served either way; the application sees who, if anyone.
  assert.match(verdicts['optional-no-cert'].actual, /^accepted ✓/);
  assert.equal(verdicts['optional-no-cert'].error, "C's application sees: no client identity");
  assert.match(verdicts['optional-with-cert'].error, /^C's application sees: .*CN = client-b\.local/);
  // A client that chooses by C's CA names sends nothing; C refuses it for that.
  assert.match(verdicts['picks-by-ca-names'].error, /sent no certificate.*rustls: NoCertificatesPresented$/);
  assert.match(verdicts['eku-on-intermediate'].error, /lacks clientAuth.*InvalidCertificate\(InvalidPurpose/);
  assert.match(verdicts['leaf-only-c-holds-intermediate'].actual, /^accepted ✓/);
  assert.match(verdicts['leaf-only-c-holds-root'].error, /does not chain.*InvalidCertificate\(UnknownIssuer\)/);
  assert.match(verdicts['name-constraint-permitted'].actual, /^accepted ✓/);
  assert.match(verdicts['name-constraint-violated'].error, /nameConstraints do not permit it.*Other\(NameConstraintViolation\)/);
  assert.match(verdicts['deep-chain'].actual, /^accepted ✓/);
  for (const id of ['no-client-cert', 'client-root-as-cert', 'untrusted-client-ca', 'expired', 'not-yet-valid',
    'server-cert-as-client', 'missing-intermediate', 'issued-by-non-ca', 'pathlen-exceeded', 'mismatched-key',
    'revoked', 'expired-crl', 'no-crl-for-intermediate', 'picks-by-ca-names', 'eku-on-intermediate',
    'leaf-only-c-holds-root', 'name-constraint-violated']) {
    assert.match(verdicts[id].actual, /^refused by Client C ✓/, id);
  }

  // A row's bundle, downloaded from the page: its script gets openssl's verdict on the very
  // files rustls judged, and it is the verdict the row names.
  const bundleDir = await tempDir('bundle');
  const bundle = await download(page,
    page.getByRole('button', { name: "Reproduce with openssl: The wrong client certificate: B's root CA" }), bundleDir);
  assert.equal(bundle.name, 'lab-client-root-as-cert.zip');
  sh(bundleDir, `unzip -q ${bundle.target}`);
  const reproduced = sh(path.join(bundleDir, 'lab-client-root-as-cert'), 'bash reproduce.sh 2>&1', { KEY_PASSPHRASE: PASSPHRASE });
  assert.match(reproduced, /verify error:num=18:self-signed certificate/);
  assert.match(reproduced, /openssl's verdict: .*s_server refuses/);
  assert.match(sh(path.join(bundleDir, 'lab-client-root-as-cert'), 'cat OUTCOME.txt'), /CaUsedAsEndEntity/);

  // The good run: every TLS 1.3 message, from the right side, decrypted.
  await page.locator('#lab tr[data-scenario="good-tls13"]').getByRole('button', { name: 'Show messages' }).click();
  const detail = page.locator('#lab-detail');
  assert.match(await detail.locator('h3').textContent(), /The seed's good run, TLS 1.3 — accepted/);
  const shown = await detail.locator('li.message').evaluateAll((items) => items.map((li) => [
    li.dataset.direction, li.dataset.message, li.querySelector('.badge') !== null]));
  const fromClient = shown.filter(([d]) => d === 'B → C').map(([, m, dec]) => `${m}${dec ? '*' : ''}`);
  const fromServer = shown.filter(([d]) => d === 'C → B').map(([, m, dec]) => `${m}${dec ? '*' : ''}`);
  assert.deepEqual(fromClient.filter((m) => !m.startsWith('ChangeCipherSpec')),
    ['ClientHello', 'Certificate*', 'CertificateVerify*', 'Finished*', 'Application data*']);
  assert.deepEqual(fromServer.filter((m) => !m.startsWith('ChangeCipherSpec')).slice(0, 6),
    ['ServerHello', 'EncryptedExtensions*', 'CertificateRequest*', 'Certificate*', 'CertificateVerify*', 'Finished*']);
  const request = detail.locator('li.message[data-message="CertificateRequest"]');
  await request.locator('summary').click();
  assert.match(await request.locator('dl.fields').textContent(), /CA names the server asks for.*Client C Root CA/);
  assert.match(await detail.locator('.diagram svg').textContent(), /B proves it holds its private key/);

  // The capture, as downloaded, decodes in tshark with the secrets it carries.
  const dir = await tempDir('lab');
  const capture = await download(page, detail.getByRole('link', { name: /Capture \(pcapng/ }), dir);
  assert.equal(capture.name, 'handshake-good-tls13.pcapng');
  const decoded = sh(dir, `tshark -r ${capture.target} -V`);
  assert.match(decoded, /Handshake Type: Certificate Request/);
  assert.match(decoded, /Handshake Type: Certificate Verify/);

  // Another row's messages: the refusal is drawn on B's side.
  await page.locator('#lab tr[data-scenario="wrong-server-name"]').getByRole('button', { name: 'Show messages' }).click();
  assert.match(await detail.locator('h3').textContent(), /not in the server's SANs — refused by Client B/);
  assert.match(await detail.locator('.diagram svg').textContent(), /Client B refused/);
  assert.ok(await detail.locator('li.message[data-message^="Alert: bad_certificate"]').count() > 0);

  // The choosing client's run: C's CertificateRequest names C's CAs, not B's, and B's
  // Certificate message is empty.
  await page.locator('#lab tr[data-scenario="picks-by-ca-names"]').getByRole('button', { name: 'Show messages' }).click();
  const named = detail.locator('li.message[data-message="CertificateRequest"]');
  await named.locator('summary').click();
  const names = await named.locator('dl.fields').textContent();
  assert.match(names, /CA names the server asks for.*Client C Root CA/);
  assert.doesNotMatch(names, /Client B Root CA/);

  assert.deepEqual(requests.filter((u) => !u.startsWith(shared.origin) && !u.startsWith('data:') && !u.startsWith(`blob:${shared.origin}/`)), []);
  assert.deepEqual(problems, []);
  await context.close();
});
