// Finding your way on a long page, and plain words everywhere: step 8's verdicts beside the run
// button, the sticky step navigator on wide screens and phones, the good run's diagram shown
// without a click, and no Rust Debug text in anything the page shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite } from './site.mjs';

const PASSPHRASE = 'navigate passphrase';
const shared = useSite();

async function openApp(viewport) {
  const context = await shared.browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(shared.origin);
  await page.getByRole('button', { name: 'Run all steps' }).waitFor();
  return { page, context, problems };
}

async function runAll(page) {
  await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Run all steps' }).click();
  await page.locator('#step-8 .scenario .verdict').first().waitFor({ timeout: 120000 });
}

/** The element's box in the viewport. */
function box(locator) {
  return locator.evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: r.height };
  });
}

const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('after Run all steps: the verdicts beside the button, a sticky navigator, the diagram open', async () => {
  const { page, context, problems } = await openApp({ width: 1280, height: 900 });
  await runAll(page);

  // Step 8's three verdicts, just below the button that started the run.
  const summary = page.getByRole('region', { name: "Step 8's connection tests (TLS 1.3)" });
  const items = summary.locator('li');
  assert.equal(await items.count(), 3);
  const verdicts = await summary.locator('.summary-verdict').allInnerTexts();
  assert.match(verdicts[0], /^Handshake succeeded ✓ as expected$/);
  assert.match(verdicts[1], /^Handshake failed: Client C \(TLS server\) refused: Client B sent no certificate, and Client C requires one\. ✓ as expected$/);
  assert.match(verdicts[2], /^Handshake failed: Client C \(TLS server\) refused: .* ✓ as expected$/);
  const button = await box(page.getByRole('button', { name: 'Run all steps' }));
  const summaryBox = await box(summary);
  assert.ok(summaryBox.top - button.bottom < 150, `the verdicts start ${summaryBox.top - button.bottom}px below the button`);

  // Each verdict links to its run in step 8, which lands in view below the navigator.
  const nav = page.getByRole('navigation', { name: 'Workshop steps' });
  const links = await summary.getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['#step8-mutual', '#step8-no-client-cert', '#step8-wrong-client-cert']);
  await summary.getByRole('link').nth(1).click();
  await page.waitForFunction(() => location.hash === '#step8-no-client-cert');
  const run = await box(page.locator('#step8-no-client-cert'));
  const bar = await box(nav);
  assert.equal(bar.top, 0, 'the navigator stays at the top');
  assert.ok(run.top >= bar.bottom - 1 && run.top < 300, `the run is at ${run.top}px, the bar ends at ${bar.bottom}px`);

  // The navigator: every step, its number, short title and status.
  const steps = nav.getByRole('listitem');
  assert.equal(await steps.count(), 8);
  assert.deepEqual(await nav.locator('.step-nav-status').allInnerTexts(), Array(8).fill('up to date'));
  assert.match(await steps.nth(0).innerText(), /1\s+C's root CA\s+up to date/);
  assert.match(await steps.nth(7).innerText(), /8\s+Connection tests\s+up to date/);
  for (let n = 1; n <= 8; n++) {
    assert.equal(await nav.getByRole('link').nth(n - 1).getAttribute('href'), `#step-${n}`);
  }
  // One click from the bottom of the page to a step, the bar still there.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  assert.equal((await box(nav)).top, 0);
  await nav.locator('a[href="#step-3"]').click();
  await page.waitForFunction(() => location.hash === '#step-3');
  const step3 = await box(page.locator('#step-3'));
  assert.ok(step3.top >= (await box(nav)).bottom - 1 && step3.top < 200, `step 3 is at ${step3.top}px`);
  assert.ok(await page.evaluate(() => window.scrollY) > 1000);

  // Step 8 shows the good run's diagram with no click, and only that one.
  const diagram = page.locator('#step8-mutual .diagram svg');
  assert.ok(await diagram.isVisible());
  const drawn = await diagram.textContent();
  assert.match(drawn, /B proves it holds its private key/);
  assert.match(drawn, /Handshake succeeded; data went both ways\./);
  assert.equal(await page.locator('#step-8 .diagram svg:visible').count(), 1);

  // A new TLS version makes step 8 stale, everywhere it shows; running it again draws TLS 1.2.
  await page.getByLabel('TLS version for step 8').selectOption('1.2');
  assert.equal(await nav.locator('li[data-step="8"] .step-nav-status').innerText(), 'stale');
  await summary.getByText('An input changed after these runs: run step 8 again to test the current files.').waitFor();
  await page.locator('#step-8').getByRole('button', { name: 'Run the handshakes' }).click();
  await page.getByRole('region', { name: "Step 8's connection tests (TLS 1.2)" }).waitFor();
  assert.equal(await nav.locator('li[data-step="8"] .step-nav-status').innerText(), 'up to date');
  assert.match(await diagram.textContent(), /ServerKeyExchange/);

  // An input of step 1 changed: step 1 and what depends on it are stale.
  await page.locator('#step-1').getByLabel('Common name (CN)').fill('Another Root CA');
  assert.equal(await nav.locator('li[data-step="1"] .step-nav-status').innerText(), 'stale');
  assert.equal(await nav.locator('li[data-step="2"] .step-nav-status').innerText(), 'up to date');
  assert.deepEqual(problems, []);
  await context.close();
});

test('on a phone the navigator is one line that opens the list, and the page does not scroll sideways', async () => {
  const { page, context, problems } = await openApp({ width: 375, height: 740 });
  await runAll(page);
  const nav = page.getByRole('navigation', { name: 'Workshop steps' });
  const toggle = nav.getByRole('button', { name: /Steps/ });
  const list = nav.getByRole('list');
  assert.equal(await toggle.innerText().then((t) => t.replace(/\s+/g, ' ')), 'Steps 8 of 8 up to date ▾');
  assert.equal(await list.isVisible(), false);
  assert.ok((await box(nav)).height < 60, 'the closed bar is one line');
  assert.ok(await sideways(page) <= 0, `the page scrolls sideways by ${await sideways(page)}px`);

  await page.evaluate(() => window.scrollTo(0, 5000));
  assert.equal((await box(nav)).top, 0, 'the bar stays at the top');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(await list.getByRole('listitem').count(), 8);
  assert.ok(await list.isVisible());
  assert.ok(await sideways(page) <= 0, `the open list scrolls the page sideways by ${await sideways(page)}px`);
  // Escape closes it; a link leads to its step and closes it too.
  await page.keyboard.press('Escape');
  assert.equal(await list.isVisible(), false);
  await toggle.click();
  await list.locator('a[href="#step-6"]').click();
  await page.waitForFunction(() => location.hash === '#step-6');
  assert.equal(await list.isVisible(), false);
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  const step6 = await box(page.locator('#step-6'));
  assert.ok(step6.top >= (await box(nav)).bottom - 1 && step6.top < 150, `step 6 is at ${step6.top}px`);

  // The verdicts and the diagram fit the phone too.
  await page.locator('.run-summary').getByRole('link').first().click();
  assert.ok(await page.locator('#step8-mutual .diagram svg').isVisible());
  const svg = await box(page.locator('#step8-mutual .diagram svg'));
  assert.ok(svg.height > 100);
  assert.ok(await sideways(page) <= 0, `the page scrolls sideways by ${await sideways(page)}px`);
  assert.deepEqual(problems, []);
  await context.close();
});

// What Rust's Debug formatting looks like; none of it belongs in what a learner reads.
const DEBUG_TEXT = [
  ['Some(', /\bSome\(/],
  ['None', /\bNone\b/],
  ['Ok(', /\bOk\(/],
  ['Err(', /\bErr\(/],
  ['struct braces', /\b[A-Z][A-Za-z0-9]* \{ [a-z_][a-z0-9_]*:/],
  ['UnixTime', /UnixTime/],
  ['OtherError', /OtherError/],
  ['Context {', /Context \{/],
  ['escaped quote', /\\"/],
  ['CamelCase(CamelCase', /\b[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*\([A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*/],
];

/** The page's visible text, without rustls's own error names (shown on purpose, in small type). */
function visibleText(page) {
  return page.evaluate(() => {
    const names = [...document.querySelectorAll('.rustls-name')];
    const kept = names.map((e) => e.style.display);
    names.forEach((e) => { e.style.display = 'none'; });
    const text = document.body.innerText;
    names.forEach((e, i) => { e.style.display = kept[i]; });
    return text;
  });
}

async function assertNoDebugText(page, when) {
  const text = await visibleText(page);
  assert.ok(text.length > 1000, `${when}: the page shows text`);
  const found = [];
  for (const line of text.split('\n')) {
    for (const [name, pattern] of DEBUG_TEXT) {
      if (pattern.test(line)) found.push(`${name}: ${line.slice(0, 200)}`);
    }
  }
  assert.deepEqual(found, [], `${when}: Debug text on the page`);
}

/** Opens every disclosure, twice, so those that appear inside opened ones open too. */
async function openEverything(page) {
  for (let pass = 0; pass < 2; pass++) {
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    await page.waitForTimeout(500);
  }
}

test('no Rust Debug text after Run all steps, the lab, and the certificate check', async () => {
  const { page, context, problems } = await openApp({ width: 1280, height: 900 });
  await runAll(page);
  await assertNoDebugText(page, 'after Run all steps');
  await openEverything(page);
  await page.locator('#step-8 .handshake-detail').nth(2).waitFor();
  await assertNoDebugText(page, 'after Run all steps, everything open');

  await page.getByRole('button', { name: 'Run every scenario' }).click();
  await page.getByText('26 of 26 scenarios ended as expected.').waitFor({ timeout: 120000 });
  await assertNoDebugText(page, 'after Run every scenario');
  for (const id of ['good-tls12', 'wrong-server-name', 'mismatched-key']) {
    await page.locator(`#lab tr[data-scenario="${id}"]`).getByRole('button', { name: 'Show messages' }).click();
    await openEverything(page);
    await assertNoDebugText(page, `the lab's ${id} run, everything open`);
  }

  // Certificates checked against both CAs, each refused somewhere: the reasons in plain words,
  // webpki's own names only in small print.
  const check = page.locator('#check-certificate');
  await check.evaluate((details) => { details.open = true; });
  for (const [step, subject] of [[7, /client-c\.local/], [6, /client-b\.local/], [2, /Client B Root CA/]]) {
    const pem = await page.locator(`#step-${step} pre.pem`).first().textContent();
    await check.getByLabel('Certificate (PEM)').fill(pem);
    await check.getByRole('button', { name: 'Decode and verify' }).click();
    await check.locator('.checked h3').filter({ hasText: subject }).waitFor();
    assert.ok(await check.getByText(/^webpki \(rustls\): ✗ /).count() > 0, `step ${step}'s certificate is refused somewhere`);
    await assertNoDebugText(page, `step ${step}'s certificate checked`);
  }

  assert.deepEqual(problems, []);
  await context.close();
});
