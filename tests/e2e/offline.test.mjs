// The lab offline: after one visit, the page comes back and runs the whole workshop with the
// site gone, from the files its service worker kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch } from './harness.mjs';

test('after one visit the lab loads and runs with the site gone', async () => {
  const site = await serveDist();
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(site.origin);
    await page.getByRole('button', { name: 'Run all steps' }).waitFor();
    // The service worker is active once it has kept every file.
    const cached = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      const names = await caches.keys();
      const cache = await caches.open(names.find((n) => n.startsWith('mtls-lab-')));
      return (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
    });
    assert.ok(cached.includes('/mtls-core_bg.wasm') && cached.includes('/mtls-lab_bg.wasm'), cached.join(' '));

    // The site goes away: nothing answers on its port any more.
    await new Promise((resolve) => site.server.close(resolve));
    site.server.closeAllConnections?.();
    await page.reload();
    await page.getByRole('button', { name: 'Run all steps' }).waitFor();
    await page.getByLabel('Key passphrase', { exact: true }).fill('offline passphrase');
    await page.getByRole('button', { name: 'Run all steps' }).click();
    await page.getByText('Handshake succeeded', { exact: true }).waitFor({ timeout: 120000 });
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    site.server.close();
  }
});
