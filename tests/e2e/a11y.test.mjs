// axe-core on the workshop page, before and after a run, in light and dark, wide and phone-sized.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { useSite } from './site.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const shared = useSite();

/** Runs axe on the page and returns the serious and critical violations, readably. */
async function seriousViolations(page) {
  // The page's CSP forbids inline scripts, so axe is evaluated rather than injected as a tag.
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')})`);
}

for (const [name, options] of [
  ['light, wide', { viewport: { width: 1280, height: 900 }, colorScheme: 'light' }],
  ['dark, phone', { viewport: { width: 390, height: 844 }, colorScheme: 'dark' }],
]) {
  test(`no serious or critical accessibility violations (${name})`, async () => {
    const context = await shared.browser.newContext(options);
    const page = await context.newPage();
    await page.goto(shared.origin);
    await page.getByRole('button', { name: 'Run all steps' }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByLabel('Key passphrase', { exact: true }).fill('accessible pass');
    await page.getByRole('button', { name: 'Run all steps' }).click();
    await page.getByText('Handshake succeeded', { exact: true }).waitFor();
    await page.locator('#step-8 details').first().evaluate((d) => { d.open = true; });
    await page.locator('#step-2').getByRole('tab', { name: 'Commands' }).click();
    // The lab, with its table, the good run's diagram and one message opened.
    await page.getByRole('button', { name: 'Run every scenario' }).click();
    await page.getByText('26 of 26 scenarios ended as expected.').waitFor({ timeout: 120000 });
    await page.locator('#lab-detail li.message summary').nth(2).click();
    assert.deepEqual(await seriousViolations(page), []);
    // Nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await context.close();
  });
}

test('the whole workshop runs from the keyboard', async () => {
  const context = await shared.browser.newContext();
  const page = await context.newPage();
  await page.goto(shared.origin);
  await page.getByRole('button', { name: 'Run all steps' }).waitFor();
  await page.getByLabel('Key passphrase', { exact: true }).focus();
  await page.keyboard.type('keyboard pass');
  // Tab to "Run all steps" and press Enter, as a keyboard user would.
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.id === 'run-all')) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'run-all');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused button shows a focus ring');
  await page.keyboard.press('Enter');
  await page.getByText('Handshake succeeded', { exact: true }).waitFor();
  await context.close();
});
