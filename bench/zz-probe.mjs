import { serveDist, launch } from '../tests/e2e/harness.mjs';
const site = await serveDist();
const browser = await launch();
for (let i = 0; i < 2; i++) {
const context = await browser.newContext();
await context.addInitScript(() => {
  window.__tasks = []; window.__labels = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__tasks.push([Math.round(e.startTime), Math.round(e.duration), e.name, JSON.stringify(e.attribution?.map((a) => [a.name, a.containerType, a.containerSrc]))]); })
    .observe({ type: 'longtask', buffered: true });
});
const page = await context.newPage();
page.on('console', (m) => { if (m.type() !== 'log') console.log('CONSOLE', m.text().slice(0, 300)); });
await page.goto(site.origin);
await page.getByRole('button', { name: 'Run all steps' }).waitFor();
await page.getByLabel('Key passphrase', { exact: true }).fill('benchmark');
await page.getByRole('button', { name: /The seed's keys/ }).click();
await page.waitForTimeout(500);
const out = await page.evaluate(() => new Promise((resolve) => {
  window.__tasks = [];
  const t0 = performance.now();
  const labels = [];
  const observer = new MutationObserver(() => {
    const l = document.querySelector('.progress')?.textContent ?? '';
    if (labels.length === 0 || labels[labels.length - 1][1] !== l) labels.push([Math.round(performance.now() - t0), l.slice(0, 60)]);
    if (document.querySelector('.scenario .verdict')?.textContent === 'Handshake succeeded') {
      observer.disconnect();
      setTimeout(() => resolve({ total: performance.now() - t0, tasks: window.__tasks.map(([s, d, n, a]) => [Math.round(s - t0), d, n, a]), labels }), 4000);
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  document.getElementById('run-all').click();
}));
console.log('run+4s', JSON.stringify(out.tasks), out.total);
const lab = await page.evaluate(() => new Promise((resolve) => {
  window.__tasks = [];
  const t0 = performance.now();
  let last = performance.now(); let gap = 0;
  const timer = setInterval(() => { const n = performance.now(); gap = Math.max(gap, n - last); last = n; }, 5);
  const observer = new MutationObserver(() => {
    if (/scenarios ended as expected/.test(document.querySelector('.lab-progress')?.textContent ?? '')) {
      observer.disconnect();
      setTimeout(() => resolve({ total: performance.now() - t0, tasks: window.__tasks.map(([s, d, n, a]) => [Math.round(s - t0), d, n, a]), text: document.querySelector('.lab-progress').textContent, gap, _: clearInterval(timer) }), 500);
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  [...document.querySelectorAll('button')].find((b) => b.textContent === 'Run every scenario').click();
}));
console.log('lab', JSON.stringify(lab));
await page.evaluate(() => { window.__tasks = []; });
await page.getByLabel('Key passphrase', { exact: true }).pressSequentially('abc', { delay: 200 });
await page.waitForTimeout(500);
console.log('typing', JSON.stringify(await page.evaluate(() => window.__tasks)));
await page.evaluate(() => { window.__tasks = []; });
await page.locator('#lab tr[data-scenario="expired"]').getByRole('button', { name: 'Show messages' }).click();
await page.waitForTimeout(500);
console.log('select', JSON.stringify(await page.evaluate(() => window.__tasks)));
console.log(out.labels.filter(([, l]) => /Step/.test(l)).map(([t, l]) => `${t} ${l}`).join('\n'));
await context.close();
}
await browser.close();
process.exit(0);
