import { serveDist, launch } from '../tests/e2e/harness.mjs';
const site = await serveDist();
const browser = await launch();
for (let i = 0; i < 2; i++) {
const context = await browser.newContext();
await context.addInitScript(() => {
  window.__tasks = []; window.__labels = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__tasks.push([Math.round(e.startTime), Math.round(e.duration)]); })
    .observe({ type: 'longtask', buffered: true });
});
const page = await context.newPage();
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
      setTimeout(() => resolve({ total: performance.now() - t0, tasks: window.__tasks.map(([s, d]) => [Math.round(s - t0), d]), labels }), 300);
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  document.getElementById('run-all').click();
}));
console.log(JSON.stringify(out.tasks), out.total);
console.log(out.labels.filter(([, l]) => /Step/.test(l)).map(([t, l]) => `${t} ${l}`).join('\n'));
await context.close();
}
await browser.close();
process.exit(0);
