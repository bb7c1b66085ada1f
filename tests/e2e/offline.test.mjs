// The lab offline and installable: after one visit, the page comes back from the files its
// service worker kept and runs the whole workshop with the network cut; a new build replaces
// those files as one set, after the page's "updated, reload" notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { serveDist, launch, launchWithProfile, tempDir, download, root } from './harness.mjs';
import { checkSeedZip } from './seed-files.mjs';

const PASSPHRASE = 'offline passphrase';

/** The build ids the page's service worker keeps, and each kept file's SHA-256 by its path
 * below the site's folder. */
async function kept(page) {
  return page.evaluate(async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith('mtls-lab-'));
    const files = {};
    for (const name of names) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const body = await (await cache.match(request)).arrayBuffer();
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
        files[new URL(request.url, location.href).pathname] = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
      }
    }
    return { builds: names.map((n) => n.slice('mtls-lab-'.length)), files };
  });
}

async function untilControlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
}

test('from a sub-folder, after one visit, the lab loads, runs and downloads with the network cut', async () => {
  const site = await serveDist({ folder: '/courses/mtls/' });
  const browser = await launch();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(site.url);
    await page.getByRole('button', { name: 'Run all steps' }).waitFor();
    await untilControlled(page);
    const { files } = await kept(page);
    for (const file of ['mtls-lab_bg.wasm', 'mtls-core_bg.wasm', 'manifest.webmanifest', 'icons/icon-512.png']) {
      assert.ok(`/courses/mtls/${file}` in files, Object.keys(files).join(' '));
    }

    // The network goes: the browser is offline and nothing answers on the site's port.
    await context.setOffline(true);
    await new Promise((resolve) => site.server.close(resolve));
    site.server.closeAllConnections?.();
    await page.reload();
    await page.getByLabel('Key passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Run all steps' }).click();
    await page.getByText('Handshake succeeded', { exact: true }).waitFor({ timeout: 120000 });
    await page.getByRole('button', { name: 'Run every scenario' }).click();
    await page.locator('.lab-progress').getByText(/^26 of 26 scenarios ended as expected\.$/).waitFor({ timeout: 120000 });

    const dir = await tempDir('offline');
    const zipLink = page.getByRole('link', { name: /mtls-workshop\.zip/ });
    await zipLink.waitFor();
    const zip = await download(page, zipLink, dir);
    checkSeedZip(dir, zip.target, PASSPHRASE);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    site.server.close();
  }
});

test('a new build is offered with a notice and then replaces the kept files as one set', async () => {
  const site = await serveDist();
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url);
    await untilControlled(page);
    const first = await kept(page);
    assert.equal(first.builds.length, 1);

    // The site is rebuilt: another boot.js and another build id, as stamp-sw.sh writes them.
    const next = await tempDir('next-build');
    await cp(path.join(root, 'dist'), next, { recursive: true });
    await writeFile(path.join(next, 'boot.js'), `${await readFile(path.join(next, 'boot.js'), 'utf8')}\n// next build\n`);
    const sw = await readFile(path.join(next, 'sw.js'), 'utf8');
    const nextBuild = 'f'.repeat(16);
    await writeFile(path.join(next, 'sw.js'), sw.replace(`'${first.builds[0]}'`, `'${nextBuild}'`));
    site.dir = next;

    // The next visit still runs the build it came with, and says a new one is ready.
    await page.reload();
    const notice = page.locator('#update-notice');
    await notice.waitFor({ state: 'visible', timeout: 30000 });
    assert.match(await notice.textContent(), /updated/);
    const during = await page.evaluate(async () => (await fetch('boot.js')).text());
    assert.ok(!during.includes('next build'), 'the old build must serve its own boot.js');
    await page.getByRole('button', { name: 'Run all steps' }).waitFor();

    await Promise.all([page.waitForEvent('load'), notice.getByRole('button', { name: 'Reload' }).click()]);
    await page.getByRole('button', { name: 'Run all steps' }).waitFor();
    let after = await kept(page);
    for (let tries = 0; after.builds.join() !== nextBuild && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await kept(page);
    }
    assert.deepEqual(after.builds, [nextBuild], 'only the new build is kept');
    for (const name of await readdir(next, { recursive: true })) {
      const url = `/${name}`;
      if (!(url in after.files)) continue;
      const expected = createHash('sha256').update(await readFile(path.join(next, name))).digest('hex');
      assert.equal(after.files[url], expected, `${name} must come from the new build`);
    }
    assert.ok(Object.keys(after.files).length >= 13, Object.keys(after.files).join(' '));
    const served = await page.evaluate(async () => ({
      script: navigator.serviceWorker.controller?.scriptURL,
      boot: await (await fetch('boot.js')).text(),
    }));
    assert.ok(served.boot.includes('next build'), `${served.script} served the old boot.js`);
    assert.ok(!(await notice.isVisible()));
    await context.close();
  } finally {
    await browser.close();
    site.server.close();
  }
});

test('the page is installable as an app', async () => {
  const site = await serveDist();
  const context = await launchWithProfile();
  try {
    const page = await context.newPage();
    await page.goto(site.url);
    await untilControlled(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, []);
    assert.match(manifest.url, /manifest\.webmanifest$/);
  } finally {
    await context.close();
    site.server.close();
  }
});
