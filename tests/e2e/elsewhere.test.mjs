// "Use the files elsewhere" in the built app: choose a server and a client, download both
// folders, and run them as their README.txt says: the server answers with B's subject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { tempDir, sh, download, startProcess, openWithPassphrase, runAllSteps } from './harness.mjs';
import { useSite } from './site.mjs';

const PASSPHRASE = 'e2e passphrase';
const shared = useSite();

const freePort = () => new Promise((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

const accepts = (port) => new Promise((resolve) => {
  const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
  socket.on('error', () => resolve(false));
});

/** Whether something listens on `port` within 20 s. */
async function listening(port) {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (await accepts(port)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test('a chosen server folder and client folder, downloaded from the page, run as their README says', async () => {
  const { context, page, problems } = await openWithPassphrase(shared, PASSPHRASE);
  await runAllSteps(page);

  await page.getByLabel('Server (Client C)').selectOption('haproxy');
  await page.getByLabel('Client (Client B)').selectOption('node');
  const server = page.locator('#elsewhere-haproxy');
  const client = page.locator('#elsewhere-node');
  // The core module makes each folder; the README opens with it, and the configuration
  // carries the workshop's own values.
  await client.locator('details[open] pre').waitFor();
  assert.match(await server.locator('details[open] pre').textContent(), /bash run\.sh/);
  assert.match(await server.textContent(), /ca-file client-cas\.crt verify required/);
  assert.match(await client.textContent(), /servername: HOST/);

  const dir = await tempDir('elsewhere');
  for (const link of ['#elsewhere-haproxy-download', '#elsewhere-node-download']) {
    const zip = await download(page, page.locator(link), dir);
    sh(dir, `unzip -q -o ${zip.target}`);
  }
  const port = await freePort();
  const env = { KEY_PASSPHRASE: PASSPHRASE, PORT: String(port) };
  const running = startProcess(path.join(dir, 'use-elsewhere/haproxy'), 'bash run.sh', env);
  try {
    assert.ok(await listening(port), `haproxy did not start:\n${running.log()}`);
    const answer = sh(path.join(dir, 'use-elsewhere/node'), 'bash run.sh', { KEY_PASSPHRASE: PASSPHRASE, PORT: String(port) });
    assert.match(answer, /^Hello .*client-b\.local/);
  } finally {
    running.stop();
  }
  assert.deepEqual(problems, []);
  await context.close();
});
