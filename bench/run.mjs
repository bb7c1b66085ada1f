// Times the built app in headless Chromium against the peers and the seed's openssl commands.
// Run through ./scripts/bench.sh, which builds everything first. Writes BENCHMARKS.md.
import { readFileSync, writeFileSync, statSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { execSync } from 'node:child_process';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { serveDist, launch, root } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const RSA_RUNS = Number(process.env.BENCH_RSA_RUNS ?? 9);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
// The Long Tasks API reports only tasks over 50 ms, so "0" means none was that long.
/** What the benchmark is measuring now, on stderr: a sitting takes minutes. */
const progress = (what) => console.error(`  measuring ${what}`);
const longTask = (ms) => (ms === 0 ? 'none over 50 ms' : `${ms.toFixed(0)} ms`);
const spread = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

const site = await serveDist();
const browser = await launch();

/** dist/ served as a static host serves it: gzip-compressed where the browser accepts it. */
async function serveGzipped() {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json' };
  const dist = path.join(root, 'dist');
  const files = new Map(readdirSync(dist, { recursive: true }).filter((name) => statSync(path.join(dist, name)).isFile()).map((name) => {
    const body = readFileSync(path.join(dist, name));
    return [name, { body, gz: gzipSync(body, { level: 9 }), type: types[path.extname(name)] ?? 'application/octet-stream' }];
  }));
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://localhost').pathname.replace(/^\/+/, '') || 'index.html';
    const file = files.get(name);
    if (!file) { res.writeHead(404).end(); return; }
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    res.writeHead(200, { 'content-type': file.type, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    res.end(gzip ? file.gz : file.body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** In a page: sets `window.__interactive` when "Run all steps" first appears. */
function recordInteractive() {
  const seen = new MutationObserver(() => {
    if (document.getElementById('run-all')) { window.__interactive = performance.now(); seen.disconnect(); }
  });
  document.addEventListener('DOMContentLoaded', () => seen.observe(document.body, { childList: true, subtree: true }));
}

/** First and repeat visit over an emulated classroom link: 10 Mbit/s each way, 40 ms round trips. */
async function classroomVisits(origin) {
  const context = await browser.newContext();
  await context.addInitScript(recordInteractive);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8,
  });
  await page.goto(origin);
  await page.waitForFunction(() => window.__interactive !== undefined, null, { timeout: 60000 });
  const first = await page.evaluate(() => window.__interactive);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => window.__interactive !== undefined, null, { timeout: 60000 });
  const again = await page.evaluate(() => window.__interactive);
  await context.close();
  return { first, again };
}

/** A fresh page; records when the app became interactive and every long main-thread task. */
async function freshPage() {
  const context = await longTaskContext();
  await context.addInitScript(recordInteractive);
  const page = await context.newPage();
  await page.goto(site.origin);
  await page.waitForFunction(() => window.__interactive !== undefined);
  return { page, context };
}

/** Clicks "Run all steps" in the page and resolves when "Handshake succeeded" shows. */
async function timeRunAll(page) {
  return page.evaluate(() => new Promise((resolve) => {
    window.__longTasks = [];
    const done = () => document.querySelector('.scenario .verdict')?.textContent === 'Handshake succeeded';
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (done()) { observer.disconnect(); resolve({ ms: performance.now() - t0, longest: Math.max(0, ...window.__longTasks) }); }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    document.getElementById('run-all').click();
  })).then(async (result) => ({ ...result, keys: await page.evaluate(() => {
    const [start] = performance.getEntriesByName('mtls-lab:keys-start').slice(-1);
    const [made] = performance.getEntriesByName('mtls-lab:keys-made').slice(-1);
    return made && start ? made.startTime - start.startTime : NaN;
  }) }));
}

/** A browser context whose pages record every long main-thread task in `window.__longTasks`. */
async function longTaskContext() {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: true });
  });
  return context;
}

/** `n` tabs of one browser, each once its warm-up has run, as for (a), ready to click "Run all
 * steps". */
async function readyTabs(context, n) {
  const pages = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(site.origin);
    await page.waitForSelector('html[data-core-ready]', { state: 'attached' });
    await page.waitForSelector('html[data-warm]', { state: 'attached' });
    await page.getByLabel('Key passphrase', { exact: true }).fill('benchmark');
    pages.push(page);
  }
  return pages;
}

/** Clicks "Run all steps" and resolves when the run's work has all landed: its verdict drawn,
 * then its key files encrypted and the archive packed from them (the zip link shows), and
 * 300 ms more. The longest main-thread task until the verdict, and until then. */
async function runUntilSettled(page) {
  return page.evaluate(() => new Promise((resolve) => {
    window.__longTasks = [];
    const t0 = performance.now();
    let verdict = null;
    let longestByVerdict = 0;
    const observer = new MutationObserver(() => {
      if (verdict === null && document.querySelector('.scenario .verdict')?.textContent === 'Handshake succeeded') {
        verdict = performance.now() - t0;
        longestByVerdict = Math.max(0, ...window.__longTasks);
      }
      if (verdict !== null && document.getElementById('zip-link')) {
        observer.disconnect();
        const settled = performance.now() - t0;
        setTimeout(() => resolve({ ms: verdict, longest: longestByVerdict, settled, longestSettled: Math.max(0, ...window.__longTasks) }), 300);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    document.getElementById('run-all').click();
  }));
}

/** `n` tabs of one browser click "Run all steps" at once: how long each took, and the longest
 * main-thread task in any of them, until the verdicts and until every run had settled. */
async function tabsAtOnce(n) {
  const context = await longTaskContext();
  const pages = await readyTabs(context, n);
  const results = await Promise.all(pages.map((page) => runUntilSettled(page)));
  await context.close();
  return {
    finished: results.length,
    ms: results.map((r) => r.ms),
    settled: results.map((r) => r.settled),
    longest: Math.max(...results.map((r) => r.longest)),
    longestSettled: Math.max(...results.map((r) => r.longestSettled)),
  };
}

/** Ten tabs at once again, traced by Chromium: for the longest tasks of the tabs' main threads
 * until every run has settled, the wall-clock time (what the Long Tasks API counts) and the CPU
 * time the thread had. Their ratio is how much sharing the cores stretched each task. */
async function tabsTraced(n) {
  const context = await browser.newContext();
  const pages = await readyTabs(context, n);
  await browser.startTracing(pages[0], { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await Promise.all(pages.map((page) => runUntilSettled(page)));
  const tasks = mainThreadTasks(await browser.stopTracing());
  await context.close();
  const long = tasks.filter((t) => t.wall > 50);
  const longest = tasks.reduce((a, t) => (t.wall > a.wall ? t : a), { wall: 0, cpu: 0 });
  return { longest, long: long.length, longCpu: long.map((t) => t.cpu), stretch: long.map((t) => t.wall / t.cpu) };
}

/** Every task of the pages' main threads in a Chromium trace: its wall-clock and CPU time. */
function mainThreadTasks(trace) {
  const events = JSON.parse(trace.toString()).traceEvents;
  const threads = new Map();
  for (const e of events) if (e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  return events
    .filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.tdur !== undefined && threads.get(`${e.pid}:${e.tid}`) === 'CrRendererMain')
    .map((e) => ({ wall: e.dur / 1000, cpu: e.tdur / 1000 }));
}

/** One tab alone, as for (a), traced from the click until its run settled: its longest task,
 * which the Long Tasks API reports only over 50 ms. */
async function oneTabTraced() {
  const context = await browser.newContext();
  const [page] = await readyTabs(context, 1);
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await runUntilSettled(page);
  const tasks = mainThreadTasks(await browser.stopTracing());
  await context.close();
  return Math.max(0, ...tasks.map((t) => t.wall));
}

/** `n` tabs of a page without the app in it, each doing tasks of a fixed amount of work (as
 * long as `taskMs` in a tab alone) back to back for two seconds: the longest main-thread task in
 * any tab. It shows what sharing two cores does to a task, whatever the page. */
async function busyTabs(n, taskMs, { workers = false } = {}) {
  const context = await longTaskContext();
  const pages = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    // The site's origin, as the app's tabs, with nothing to run: its style sheet, as text.
    await page.goto(`${site.origin}/styles.css`);
    pages.push(page);
  }
  // A Web Worker in each tab computing for the same two seconds, as the app's core worker and
  // WebCrypto compute beside its page during a run.
  if (workers) {
    await Promise.all(pages.map((page) => page.evaluate(() => {
      const code = 'const end = Date.now() + 2300; let x = 0; while (Date.now() < end) x = (x * 31 + 7) % 1000003; postMessage(x);';
      window.__worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    })));
  }
  // Each tab measures, alone, how many rounds of work take `taskMs`.
  const rounds = [];
  for (const page of pages) {
    rounds.push(await page.evaluate((taskMs) => {
      const work = (k) => { let x = 0; for (let i = 0; i < k; i++) x = (x * 31 + i) % 1000003; return x; };
      let k = 1000;
      for (;;) {
        const t0 = performance.now();
        work(k);
        const took = performance.now() - t0;
        if (took >= taskMs / 4) return Math.round(k * taskMs / took);
        k *= 2;
      }
    }, taskMs));
  }
  const longest = await Promise.all(pages.map((page, i) => page.evaluate((k) => new Promise((resolve) => {
    const work = (k) => { let x = 0; for (let i = 0; i < k; i++) x = (x * 31 + i) % 1000003; return x; };
    window.__longTasks = [];
    const end = performance.now() + 2000;
    const task = () => {
      work(k);
      if (performance.now() < end) setTimeout(task, 0);
      else setTimeout(() => resolve(Math.max(0, ...window.__longTasks)), 100);
    };
    task();
  }), rounds[i])));
  await context.close();
  return Math.max(...longest);
}

/** Clicks "Run every scenario" and resolves when all fourteen have ended. */
async function timeLab(page) {
  // The lab is drawn anew in a task of its own after a run: its button is enabled then.
  await page.waitForFunction(() => [...document.querySelectorAll('#lab button')].some((b) => b.textContent === 'Run every scenario' && !b.disabled));
  return page.evaluate(() => new Promise((resolve) => {
    window.__longTasks = [];
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      // "N of N scenarios" once every row has run, whatever the number of rows.
      const done = /^(\d+) of (\d+) scenarios/.exec(document.querySelector('.lab-progress')?.textContent ?? '');
      if (done && done[1] === done[2]) {
        observer.disconnect();
        resolve({ ms: performance.now() - t0, longest: Math.max(0, ...window.__longTasks) });
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    [...document.querySelectorAll('#lab button')].find((b) => b.textContent === 'Run every scenario').click();
  }));
}

const load = [];
const p256 = [];
const rsa = [];
const rsaLongest = [];
const rsaKeys = [];
const p256Longest = [];
const p256LongestSettled = [];
const p256Settled = [];
const lab = [];
const coreReady = [];
const warmDone = [];
const loadLongest = [];
const repeat = [];
const restoreLongest = [];
const labLongest = [];
progress('(a), P-256, fresh pages');
for (let i = 0; i < RUNS; i++) {
  const { page, context } = await freshPage();
  load.push(await page.evaluate(() => window.__interactive));
  // The page loads the core worker once it is up; step 8 runs there.
  await page.waitForSelector('html[data-core-ready]', { state: 'attached' });
  coreReady.push(Number(await page.locator('html').getAttribute('data-core-ready')));
  // The throwaway run that compiles the page's code while it is idle: when it ends, and the
  // longest task from navigation until then (the load's own tasks included).
  await page.waitForSelector('html[data-warm]', { state: 'attached' });
  warmDone.push(Number(await page.locator('html').getAttribute('data-warm')));
  loadLongest.push(await page.evaluate(() => Math.max(0, ...window.__longTasks)));
  await page.getByLabel('Key passphrase', { exact: true }).fill('benchmark');
  const p256Run = await runUntilSettled(page);
  p256.push(p256Run.ms);
  p256Longest.push(p256Run.longest);
  p256LongestSettled.push(p256Run.longestSettled);
  p256Settled.push(p256Run.settled);
  // The same browser again: the service worker serves the app's files from its cache.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => window.__interactive !== undefined);
  repeat.push(await page.evaluate(() => window.__interactive));
  await context.close();
}
progress("(b), the seed's RSA, the lab and the restore");
for (let i = 0; i < RSA_RUNS; i++) {
  const { page, context } = await freshPage();
  // As for (a): once the page has settled, its warm-up run ended.
  await page.waitForSelector('html[data-warm]', { state: 'attached' });
  await page.getByLabel('Key passphrase', { exact: true }).fill('benchmark');
  await page.getByRole('button', { name: /The seed's keys/ }).click();
  const result = await timeRunAll(page);
  rsa.push(result.ms);
  rsaKeys.push(result.keys);
  rsaLongest.push(result.longest);
  // The handshake lab on the same RSA tree: fresh RSA-4096 signatures and a handshake a row.
  const labResult = await timeLab(page);
  lab.push(labResult.ms);
  labLongest.push(labResult.longest);
  // Reload and restore the saved workshop: six keys behind 100,000 PBKDF2 rounds each.
  await page.waitForFunction(() => (localStorage.getItem('mtls-lab.workshop') ?? '').split('ENCRYPTED PRIVATE KEY-----').length === 13, null, { timeout: 60000 });
  await page.reload();
  await page.getByRole('button', { name: 'Restore saved workshop' }).waitFor();
  await page.getByLabel('Key passphrase', { exact: true }).fill('benchmark');
  restoreLongest.push(await page.evaluate(() => new Promise((resolve) => {
    window.__longTasks = [];
    const observer = new MutationObserver(() => {
      if (document.querySelector('.scenario .verdict')?.textContent === 'Handshake succeeded') {
        observer.disconnect();
        resolve(Math.max(0, ...window.__longTasks));
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    document.getElementById('restore-saved').click();
  })));
  await context.close();
}
progress('the classroom link');
const gzipped = await serveGzipped();
const classroomFirst = [];
const classroomAgain = [];
for (let i = 0; i < RUNS; i++) {
  const { first, again } = await classroomVisits(gzipped.origin);
  classroomFirst.push(first);
  classroomAgain.push(again);
}
gzipped.server.close();
progress('ten tabs, two tabs and the controls');
const tabs = [];
for (let i = 0; i < 3; i++) tabs.push(await tabsAtOnce(10));
// Two tabs, one per core: how long a task is when a tab does not share its core.
const pairs = [];
for (let i = 0; i < 3; i++) pairs.push(await tabsAtOnce(2));
// The same ten tabs' worth of sharing, without the app: tasks of 5 ms, then 10 ms, of work each.
const control5 = [];
const control10 = [];
const control5Workers = [];
for (let i = 0; i < 3; i++) {
  control5.push(await busyTabs(10, 5));
  control10.push(await busyTabs(10, 10));
  control5Workers.push(await busyTabs(10, 5, { workers: true }));
}
progress('ten tabs, traced');
const traced = [];
for (let i = 0; i < 3; i++) traced.push(await tabsTraced(10));
progress('one tab, traced');
const alone = [];
for (let i = 0; i < RUNS; i++) alone.push(await oneTabTraced());
await browser.close();
site.server.close();

// The peers and the seed's own openssl commands, measured by peer-bench in this sitting.
const peers = (() => {
  const dir = process.env.PEER_RESULTS;
  if (!dir) return null;
  const bench = JSON.parse(readFileSync(path.join(dir, 'bench-fresh.json'), 'utf8'));
  const rows = readFileSync(path.join(dir, 'openssl', 'openssl-times.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const wall = (alg) => rows.filter((r) => r[0] === alg).map((r) => Number(r[2]) * 1000);
  return { ec: bench.variants['peculiar-ec'], rsa: bench.variants['peculiar-rsa'], opensslRsa: wall('rsa'), opensslEc: wall('ec') };
})();

const wasm = readFileSync(path.join(root, 'dist/mtls-lab_bg.wasm'));
const js = readFileSync(path.join(root, 'dist/mtls-lab.js'));
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const gz = gzipSync(wasm, { level: 9 }).length;
const br = brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const core = readFileSync(path.join(root, 'dist/mtls-core_bg.wasm'));
const coreGz = gzipSync(core, { level: 9 }).length;
const coreBr = brotliCompressSync(core, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const chromium = execSync("/usr/bin/chromium --version 2>/dev/null").toString().trim();
const verdict = (ok) => (ok ? 'met' : '**missed**');
const longRow = (xs) => `${longTask(median(xs))} | ${Math.max(...xs) === 0 ? 'none in any run' : `${spread(xs)} ms`}`;
const tabMs = tabs.flatMap((t) => t.ms);
const tabLongest = tabs.map((t) => t.longest);
const tabSettled = tabs.flatMap((t) => t.settled);
const tabLongestSettled = tabs.map((t) => t.longestSettled);
const tracedCpu = traced.flatMap((t) => t.longCpu);
const tracedStretch = traced.flatMap((t) => t.stretch);
const keyShare = median(rsaKeys) / median(rsa);
const peerRows = peers ? (() => {
  const vsPeculiar = median(rsa) / peers.rsa.total.median;
  const vsOpenssl = median(peers.opensslRsa) / median(rsa);
  return `| @peculiar/x509, bare P-256 tree (no encrypted keys, no handshake) | ${peers.ec.total.median.toFixed(0)} ms | ${peers.ec.total.min.toFixed(0)}–${peers.ec.total.max.toFixed(0)} ms | ${peers.ec.total.n} | | |
| @peculiar/x509, bare RSA tree; of it, key generation | ${peers.rsa.total.median.toFixed(0)} ms; ${peers.rsa.keygen.median.toFixed(0)} ms | ${peers.rsa.total.min.toFixed(0)}–${peers.rsa.total.max.toFixed(0)} ms | ${peers.rsa.total.n} | | |
| the seed's openssl commands as the seed writes them, RSA (-aes256) | ${median(peers.opensslRsa).toFixed(0)} ms | ${spread(peers.opensslRsa)} ms | ${peers.opensslRsa.length} | | |
| the seed's openssl commands, P-256 | ${median(peers.opensslEc).toFixed(0)} ms | ${spread(peers.opensslEc)} ms | ${peers.opensslEc.length} | | |
| (b) / @peculiar/x509 RSA | ${vsPeculiar.toFixed(2)}× | | | ≤ 1.0× | ${verdict(vsPeculiar <= 1)} |
| seed openssl RSA / (b): how many times faster the page is | ${vsOpenssl.toFixed(2)}× | | | ≥ 3× | ${verdict(vsOpenssl >= 3)} |
| (a) / @peculiar/x509 P-256 | ${(median(p256) / peers.ec.total.median).toFixed(2)}× | | | | |`;
})() : "| the peers and the seed's openssl commands | not measured: PEER_BENCH=none | | | | |";

const table = `| figure | median | spread (min–max) | runs | target | |
|---|---|---|---|---|---|
| (a) Run all steps, P-256, click to "Handshake succeeded", once the core worker is up and the page's warm-up has run | ${median(p256).toFixed(0)} ms | ${spread(p256)} ms | ${RUNS} | < 80 ms | ${verdict(median(p256) < 80)} |
| longest main-thread task during (a) | ${longRow(p256Longest)} | ${RUNS} | ≤ 50 ms | ${verdict(median(p256Longest) <= 50)} |
| (a)'s click until its run settled (key files encrypted, archive packed) | ${median(p256Settled).toFixed(0)} ms | ${spread(p256Settled)} ms | ${RUNS} | | |
| longest main-thread task from (a)'s click until its run settled (key files encrypted, archive packed) | ${longRow(p256LongestSettled)} | ${RUNS} | ≤ 50 ms | ${verdict(median(p256LongestSettled) <= 50)} |
| the same, traced, whatever its length: the longest task of a tab alone | ${median(alone).toFixed(1)} ms | ${Math.min(...alone).toFixed(1)}–${Math.max(...alone).toFixed(1)} ms | ${alone.length} | | |
| (b) Run all steps, the seed's RSA (4× RSA-4096, 2× RSA-2048) | ${median(rsa).toFixed(0)} ms | ${spread(rsa)} ms | ${RSA_RUNS} | see the ratios | |
| of (b), until the last of the six keys is made (the page's WebCrypto and a sandboxed frame's, each one key at a time; the steps go on meanwhile) | ${median(rsaKeys).toFixed(0)} ms (${(keyShare * 100).toFixed(0)} %) | ${spread(rsaKeys)} ms | ${RSA_RUNS} | | |
${peerRows}
| (c) longest main-thread task during (b) | ${longRow(rsaLongest)} | ${RSA_RUNS} | ≤ 50 ms | ${verdict(median(rsaLongest) <= 50)} |
| handshake lab, every scenario, the seed's RSA | ${median(lab).toFixed(0)} ms | ${spread(lab)} ms | ${RSA_RUNS} | | |
| longest main-thread task during the lab | ${longRow(labLongest)} | ${RSA_RUNS} | ≤ 50 ms | ${verdict(median(labLongest) <= 50)} |
| longest main-thread task restoring the saved RSA workshop | ${longRow(restoreLongest)} | ${RSA_RUNS} | ≤ 50 ms | ${verdict(median(restoreLongest) <= 50)} |
| ten tabs clicking Run all steps at once (P-256): tabs finished | ${tabs.map((t) => `${t.finished}/10`).join(', ')} | | ${tabs.length} | all | ${verdict(tabs.every((t) => t.finished === 10))} |
| ten tabs: each tab's run | ${median(tabMs).toFixed(0)} ms | ${spread(tabMs)} ms | ${tabMs.length} | | |
| ten tabs: longest main-thread task in any tab, until the verdicts | ${longRow(tabLongest)} | ${tabs.length} | ≤ 50 ms | ${verdict(Math.max(...tabLongest) <= 50)} |
| ten tabs: each tab's run until it settled (key files encrypted, archive packed) | ${median(tabSettled).toFixed(0)} ms | ${spread(tabSettled)} ms | ${tabSettled.length} | | |
| ten tabs: from the clicks until the last tab's run settled | ${median(tabs.map((t) => Math.max(...t.settled))).toFixed(0)} ms | ${spread(tabs.map((t) => Math.max(...t.settled)))} ms | ${tabs.length} | | |
| ten tabs: longest main-thread task in any tab, until every run settled | ${longRow(tabLongestSettled)} | ${tabs.length} | ≤ 50 ms | ${verdict(Math.max(...tabLongestSettled) <= 50)} |
| ten tabs, traced until settled: the longest task, wall clock / CPU time | ${traced.map((t) => `${t.longest.wall.toFixed(0)} / ${t.longest.cpu.toFixed(1)} ms`).join('; ')} | | ${traced.length} | | |
| ten tabs, traced: tasks over 50 ms; their CPU time, median (max) | ${traced.map((t) => t.long).join(', ')}; ${tracedCpu.length ? `${median(tracedCpu).toFixed(1)} ms (${Math.max(...tracedCpu).toFixed(1)} ms)` : 'none'} | | ${traced.length} | | |
| ten tabs, traced: wall clock over CPU time of those tasks, median (max) | ${tracedStretch.length ? `${median(tracedStretch).toFixed(0)}× (${Math.max(...tracedStretch).toFixed(0)}×)` : 'none'} | | ${tracedStretch.length} | | |
| two tabs at once, one per core: longest main-thread task in either, until both settled | ${longRow(pairs.map((t) => t.longestSettled))} | ${pairs.length} | | |
| ten tabs of a page without the app, each doing tasks of 5 ms of work (alone) back to back: longest task in any tab | ${longRow(control5)} | ${control5.length} | | |
| the same with tasks of 10 ms of work | ${longRow(control10)} | ${control10.length} | | |
| the same with tasks of 5 ms, and a Web Worker in each tab computing meanwhile | ${longRow(control5Workers)} | ${control5Workers.length} | | |
| (d) first load to interactive, localhost | ${median(load).toFixed(0)} ms | ${spread(load)} ms | ${RUNS} | < 1000 ms | ${verdict(median(load) < 1000)} |
| first visit to interactive, 10 Mbit/s and 40 ms round trips, gzip | ${median(classroomFirst).toFixed(0)} ms | ${spread(classroomFirst)} ms | ${RUNS} | < 1000 ms | ${verdict(median(classroomFirst) < 1000)} |
| repeat visit, same link, from the service worker's cache | ${median(classroomAgain).toFixed(0)} ms | ${spread(classroomAgain)} ms | ${RUNS} | < 300 ms | ${verdict(median(classroomAgain) < 300)} |
| repeat visit to interactive, from the service worker's cache, localhost | ${median(repeat).toFixed(0)} ms | ${spread(repeat)} ms | ${RUNS} | | |
| first load to the end of the warm-up run (the page's code compiled while idle), localhost | ${median(warmDone).toFixed(0)} ms | ${spread(warmDone)} ms | ${RUNS} | | |
| longest main-thread task from navigation to the end of the warm-up | ${longRow(loadLongest)} | ${RUNS} | | |
| first load to the core worker up, localhost | ${median(coreReady).toFixed(0)} ms | ${spread(coreReady)} ms | ${RUNS} | | |
| the page's wasm: raw / gzip -9 / brotli -11 | ${kb(wasm.length)} / ${kb(gz)} / ${kb(br)} | | | < 550 KB gzip, < 450 KB brotli | ${verdict(gz < 550 * 1024 && br < 450 * 1024)} |
| the core module's wasm, which the workers load after the page: raw / gzip -9 / brotli -11 | ${kb(core.length)} / ${kb(coreGz)} / ${kb(coreBr)} | | | | |
| JS glue: raw / gzip | ${kb(js.length)} / ${kb(gzipSync(js, { level: 9 }).length)} | | | | |`;

const previous = (() => { try { return readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8'); } catch { return ''; } })();
const notes = previous.includes('<!-- notes -->') ? previous.slice(previous.indexOf('<!-- notes -->')) : '<!-- notes -->\n';
writeFileSync(path.join(root, 'BENCHMARKS.md'), `# Benchmarks

Made by \`./scripts/bench.sh\`, which builds the release app, loads it in headless Chromium and clicks "Run all steps", and in the same sitting times the peers of \`../shared/peer-bench\` (@peculiar/x509 building the same tree in the same Chromium) and the seed's own openssl commands exactly as the seed writes them. Timings are in-page (\`performance.now()\` from the click to the verdict), so Playwright's own overhead is not in them. Rerun it to replace the table; the notes below the table are kept.

Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ${chromium}; ${execSync('openssl version').toString().trim()}; measured ${new Date().toISOString().slice(0, 10)}.

${table}

${notes}`);
console.log(table);
