// Where the keys, the signatures and the heavy work come from, in headless Chromium: WebCrypto
// beside a sandboxed frame's WebCrypto, a Web Worker where WebCrypto refuses, the page itself
// where no worker starts; and Cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, sh, download, openPage, runAllSteps, settled, launch } from './harness.mjs';
import { useSite } from './site.mjs';

const PASSPHRASE = 'e2e passphrase';

const shared = useSite();

/** The counts of the run's "Keys:" line: how many keys of which kind came from where. */
function keysMade(keys) {
  return [...keys.matchAll(/(\d) × (RSA \d+) from (WebCrypto in a sandboxed frame|WebCrypto|a Web Worker)/g)]
    .map(([, n, kind, source]) => ({ n: Number(n), kind, source }));
}

/** A fresh page that records every request it makes. */
const openApp = (options) => openPage(shared, options);

test('RSA keys come from WebCrypto and a sandboxed frame\'s WebCrypto beside it, with progress, and the page keeps answering', async () => {
  const { page, context, problems, requests } = await openApp();
  // Counts the RSA signatures the page asks of WebCrypto.
  await page.evaluate(() => {
    const sign = SubtleCrypto.prototype.sign;
    window.rsaSignatures = 0;
    SubtleCrypto.prototype.sign = function (algorithm, ...rest) {
      if ((algorithm.name ?? algorithm) === 'RSASSA-PKCS1-v1_5') window.rsaSignatures += 1;
      return sign.call(this, algorithm, ...rest);
    };
  });
  await page.getByRole('button', { name: /The seed's keys/ }).click();
  await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Run all steps' }).click();
  await page.getByText(/Generating 6 keys/).waitFor({ timeout: 10000 });
  // A click while the keys are made takes effect. How soon is the benchmark's to say (no task
  // over 50 ms during the seed's RSA run): a timed test would measure this machine's load.
  const plain = page.getByLabel(/Download keys unencrypted/);
  await plain.check();
  assert.equal(await plain.isChecked(), true);
  await page.getByText('Handshake succeeded', { exact: true }).waitFor({ timeout: 180000 });
  // The page's WebCrypto and the frame's each take the next key in step order, and whoever
  // finishes a key first gives it. RSA keys take random times, and on a loaded machine the
  // page may win every race: then the run goes again, up to three runs in all.
  const fromFrame = (made) => made.some((m) => m.source === 'WebCrypto in a sandboxed frame');
  let keys = await page.getByText(/Keys: \d/).textContent();
  for (let again = 0; again < 2 && !fromFrame(keysMade(keys)); again++) {
    await settled(page);
    await page.evaluate(() => { window.rsaSignatures = 0; });
    await page.getByRole('button', { name: 'Run all steps' }).click();
    await page.getByText(/Generating 6 keys/).waitFor({ timeout: 10000 });
    await page.getByText(/^Done in \d+ ms\. Keys: \d/).waitFor({ timeout: 180000 });
    keys = await page.getByText(/Keys: \d/).textContent();
  }
  const made = keysMade(keys);
  assert.equal(made.reduce((sum, m) => sum + m.n, 0), 6, keys);
  assert.equal(made.filter((m) => m.kind === 'RSA 4096').reduce((sum, m) => sum + m.n, 0), 4, keys);
  assert.ok(made.some((m) => m.source === 'WebCrypto'), keys);
  assert.ok(fromFrame(made), keys);
  // The frame loads nothing: its document and script are inline, allowed by the CSP's hash. It
  // stays for the next run, unless it lost the race for the last key, which removes it.
  assert.ok(!requests.some((u) => u.endsWith('/key-worker.js')), requests.join('\n'));
  assert.ok(await page.locator('iframe[sandbox="allow-scripts"]').count() <= 1);
  const key = await page.locator('#step-1 .cert dd').filter({ hasText: 'RSA' }).first().textContent();
  assert.equal(key, 'RSA (4096 bit)');
  // Every certificate and CSR was signed by WebCrypto: two roots, two intermediates (CSR and
  // certificate), B's CSR, B's certificate, C's server certificate (CSR and certificate).
  assert.equal(await page.evaluate(() => window.rsaSignatures), 10);
  // Step 8's handshakes ran in the worker, which loads the core module.
  assert.ok(requests.some((u) => u.endsWith('/core-worker.js')), requests.join('\n'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('where the CSP blocks the frame\'s script, the run makes its six keys without it and the frame is gone', async () => {
  const context = await shared.browser.newContext();
  // A host that serves its own CSP without the frame script's hash.
  await context.route(/\/$|index\.html$/, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/ 'sha256-[^']+'/, '');
    await route.fulfill({ response, body });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(shared.origin);
  await page.getByRole('button', { name: /The seed's keys/ }).click();
  await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Run all steps' }).click();
  await page.getByText('Handshake succeeded', { exact: true }).waitFor({ timeout: 180000 });
  const keys = await page.getByText(/Keys: \d/).textContent();
  const made = keysMade(keys);
  assert.equal(made.reduce((sum, m) => sum + m.n, 0), 6, keys);
  assert.ok(!made.some((m) => m.source === 'WebCrypto in a sandboxed frame'), keys);
  // The frame that never started is gone from the page.
  assert.equal(await page.locator('iframe').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('where no worker can start, signing, handshakes and the lab run in the page instead', async () => {
  const context = await shared.browser.newContext();
  await context.route('**/core-worker.js', (route) => route.abort());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(shared.origin);
  await page.getByRole('button', { name: 'Run all steps' }).waitFor();
  await page.getByRole('button', { name: /The seed's keys/ }).click();
  await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Run all steps' }).click();
  await page.getByText('Handshake succeeded', { exact: true }).waitFor({ timeout: 180000 });
  await page.getByRole('button', { name: 'Run every scenario' }).click();
  await page.getByText('26 of 26 scenarios ended as expected.').waitFor({ timeout: 120000 });
  // The page imported the core module itself, as no worker could.
  assert.ok(requests.some((u) => u.endsWith('/mtls-core_bg.wasm')), requests.join('\n'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('without WebCrypto (plain http), RSA keys, signatures and key encryption come from a Web Worker and still work with openssl', async () => {
  // The site under a name that is not the loopback's: plain http to it is not a secure context,
  // so the page has no WebCrypto, as on a site served over plain http.
  const browser = await launch([`--host-resolver-rules=MAP plain-http.test 127.0.0.1`]);
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(shared.origin.replace('127.0.0.1', 'plain-http.test'));
  assert.equal(await page.evaluate(() => isSecureContext || Boolean(crypto.subtle)), false);
  await page.getByRole('button', { name: 'Run all steps' }).waitFor();
  const selects = await page.getByLabel('Key algorithm').all();
  assert.equal(selects.length, 6);
  for (const select of selects) {
    await select.selectOption('rsa2048');
  }
  await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Run all steps' }).click();
  await page.getByText('Handshake succeeded', { exact: true }).waitFor({ timeout: 120000 });
  // The line that stays after the run says where every key came from.
  const keys = await page.getByText(/Keys: \d/).textContent();
  assert.match(keys, /Keys: 6 × RSA 2048 from a Web Worker\./);
  const dir = await tempDir('worker');
  const key = await download(page, page.locator('a.download[download="client_b.key"]'), dir);
  assert.match(sh(dir, `openssl pkey -in ${key.target} -passin env:KEY_PASSPHRASE -noout -text_pub`, { KEY_PASSPHRASE: PASSPHRASE }), /Public-Key: \(2048 bit\)/);
  // The worker's signatures hold: B's certificate verifies against C's chain.
  const cert = await download(page, page.locator('a.download[download="client_b_signed_by_client_c.crt"]').first(), dir);
  const chain = await download(page, page.locator('a.download[download="client_c_ca_chain.crt"]').first(), dir);
  assert.match(sh(dir, `openssl verify -purpose sslclient -CAfile ${chain.target} ${cert.target}`), /: OK/);
  assert.deepEqual(problems, []);
  await browser.close();
});

test('Cancel stops a run and leaves the workshop as it was', async () => {
  const { page, context, problems } = await openApp();
  await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
  await runAllSteps(page);
  const rootBefore = await page.locator('#step-1 pre.pem').textContent();
  await page.getByRole('button', { name: /The seed's keys/ }).click();
  await page.getByRole('button', { name: 'Run all steps' }).click();
  await page.getByText(/Generating 6 keys/).waitFor({ timeout: 10000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText('Cancelled: the workshop is as it was before the run.').waitFor();
  assert.equal(await page.locator('#step-1 pre.pem').textContent(), rootBefore);
  assert.equal(await page.getByText('Handshake succeeded', { exact: true }).count(), 1);
  await page.getByRole('button', { name: 'Run all steps' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Run all steps' }).isEnabled(), true);
  // Nothing from the cancelled run lands later: once it has stopped, it passes its turn on.
  await settled(page);
  assert.equal(await page.locator('#step-1 pre.pem').textContent(), rootBefore);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a run waits, and says so, while another tab of the browser has the turn, then runs and passes the turn on', async () => {
  const { page, context, problems } = await openApp();
  const other = await context.newPage();
  await other.goto(shared.origin);
  // The other tab holds the turn, as its own run would.
  await other.evaluate(() => {
    navigator.locks.request('mtls-lab-run', () => new Promise((release) => { window.passTurn = release; }));
  });
  await other.waitForFunction(() => typeof window.passTurn === 'function');
  await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Run all steps' }).click();
  await page.getByText("Waiting for another tab's run to end: this browser's tabs run one at a time, so that none of them freezes.").waitFor();
  // Nothing of the run has started while it waits, and it shows no clock (a clock shows its
  // seconds as soon as it is drawn): the line is the sentence alone.
  assert.equal(await page.locator('#step-1 pre.pem').count(), 0);
  assert.equal(await page.locator('.progress-label').textContent(), "Waiting for another tab's run to end: this browser's tabs run one at a time, so that none of them freezes.");
  await other.evaluate(() => window.passTurn());
  await page.getByText('Handshake succeeded', { exact: true }).waitFor({ timeout: 30000 });
  // Its key files and archive made, the run passes the turn on.
  await page.locator('#zip-link').waitFor();
  await settled(page);
  assert.deepEqual(problems, []);
  await context.close();
});
