// Shared pieces of the end-to-end tests: a static server for dist/, Chromium, and shell helpers.
import { createServer } from 'node:http';
import { readFile, mkdtemp } from 'node:fs/promises';
import { rmSync, readFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** Serves dist/ on a free loopback port, as any static host would: under the folder `folder`
 * ('/' or '/sub/folder/'), from `site.dir`, which is dist/ unless a test moves it while serving. */
export async function serveDist({ folder = '/' } = {}) {
  const site = { dir: dist };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(folder)) { res.writeHead(404).end(); return; }
    const inside = decodeURIComponent(url.pathname.slice(folder.length));
    const file = path.join(site.dir, inside === '' ? 'index.html' : inside);
    if (!file.startsWith(site.dir)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return Object.assign(site, { server, origin, url: `${origin}${folder}` });
}

const chromiumOptions = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-quic', '--no-first-run', '--disable-default-apps'],
};

/** Debian's Chromium, kept from calling out to the internet; `args` are more switches. */
export async function launch(args = []) {
  return chromium.launch({ ...chromiumOptions, args: [...chromiumOptions.args, ...args] });
}

/** The same Chromium with a profile on disk, as a user's is (not incognito): the one context. */
export async function launchWithProfile() {
  return chromium.launchPersistentContext(await tempDir('profile'), chromiumOptions);
}

/** The folders this test file made, removed when its process ends, pass or fail. */
const made = [];
process.on('exit', () => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export async function tempDir(tag) {
  const dir = await mkdtemp(path.join(tmpdir(), `mtls-lab-e2e-${tag}-`));
  made.push(dir);
  return dir;
}

/** A fresh page of the shared site, downloads allowed, once its "Run all steps" shows; every
 * request it makes goes into `requests`, and its errors (thrown or logged) into `problems`. */
export async function openPage(shared, options = {}) {
  const context = await shared.browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(shared.origin);
  await page.getByRole('button', { name: 'Run all steps' }).waitFor();
  return { page, context, requests, problems };
}

/** A fresh page of the shared site with downloads allowed and the key passphrase typed; page
 * errors are collected in `problems`. */
export async function openWithPassphrase(shared, passphrase) {
  const context = await shared.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(shared.origin);
  await page.getByLabel('Key passphrase', { exact: true }).fill(passphrase);
  return { context, page, problems };
}

/** Waits until the page's run has settled: its work, drawing its results included, has landed,
 * and it has passed its turn on. */
export async function settled(page) {
  await page.waitForFunction(async () => (await navigator.locks.query()).held.length === 0);
}

/** Clicks "Run all steps" and waits for step 8's good run, then for the run to settle: its
 * results are drawn part by part after the verdict, and a click meanwhile may land where a
 * part has just moved the page. */
export async function runAllSteps(page) {
  await page.getByRole('button', { name: 'Run all steps' }).click();
  await page.getByText('Handshake succeeded', { exact: true }).waitFor({ timeout: 120000 });
  await settled(page);
}

/** Clicks a download link and saves the file in `dir` under the name the page gave it. */
export async function download(page, locator, dir) {
  const [file] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  const target = path.join(dir, file.suggestedFilename());
  await file.saveAs(target);
  return { name: file.suggestedFilename(), target };
}

/** Runs a command and returns its combined output; throws with the output on failure. */
export function sh(cwd, command, env = {}) {
  try {
    return execFileSync('bash', ['-c', `set -o pipefail\n${command}`], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`${command}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

/** Waits until `done()` holds, for at most 20 s; returns whether it did. */
export async function waitUntil(done) {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (done()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return done();
}

/** Starts a bash script in its own process group with its standard input kept open (as a
 * terminal's is); `input` is written to it first. Returns its log and a stop function. */
export function startProcess(cwd, script, env, input = '') {
  let log = '';
  const child = spawn('bash', ['-c', script], { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  if (input) child.stdin.write(input);
  return {
    log: () => log,
    stop: () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ } },
  };
}

/** Starts an s_server script with `-accept 8443` turned into `-accept 0`, and waits for the
 * `ACCEPT [::]:PORT` line in which s_server names the port the OS gave it. */
export async function startServer(cwd, script, env) {
  if (!script.includes('-accept 8443')) throw new Error(`not an s_server on 8443:\n${script}`);
  const server = startProcess(cwd, script.replace('-accept 8443', '-accept 0'), env);
  const accept = () => server.log().match(/^ACCEPT .*:(\d+)$/m);
  if (!(await waitUntil(() => accept() !== null))) {
    server.stop();
    throw new Error(`s_server did not start:\n${server.log()}`);
  }
  return { ...server, port: Number(accept()[1]) };
}

/** Chooses `file` in the upload input `input` and waits until its text is in the text field
 * `field`: the page reads a chosen file asynchronously, so a click at once would find the old
 * text. */
export async function uploadText(input, file, field) {
  await input.setInputFiles(file);
  const text = readFileSync(file, 'utf8');
  await field.page().waitForFunction(([element, want]) => element.value === want, [await field.elementHandle(), text]);
}
