// "Diagnose your own files" in the built app, with files openssl made: a good set passes and
// shakes hands over both versions, a broken one is refused by the side and for the reason
// openssl gives, a PKCS#12 upload stands in for certificate and key, hostile uploads are refused
// at their field, and a pasted error leads to the lab row that reproduces it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir, sh, root, openPage } from './harness.mjs';
import { useSite } from './site.mjs';

const shared = useSite();

/** A CA with an intermediate for the client, a server certificate for localhost, and a client
 * certificate from a CA the server does not trust; all made by openssl. */
async function openssl() {
  const dir = await tempDir('diagnose');
  sh(dir, `
set -e
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }
ca() { ec "$1"; openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 30 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$1.crt"; }
sign() { # name subject issuer extensions
  ec "$1"; openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  printf '%s\\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days 10 -extfile "$1.ext" -out "$1.crt"
}
ca root "Diagnose Root"
sign inter "Diagnose Intermediate" root "basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign"
sign server "server.local" root "basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost"
sign client "diagnose client" inter "basicConstraints=CA:FALSE
extendedKeyUsage=clientAuth"
cat client.crt inter.crt > client-chain.crt
ca other "Other Root"
sign stranger "stranger" other "basicConstraints=CA:FALSE
extendedKeyUsage=clientAuth"
openssl pkcs12 -export -in client.crt -certfile inter.crt -inkey client.key -passout pass:p12-pass -out client.p12
openssl req -new -key client.key -subj "/CN=csr" -out request.csr
head -c 300000 /dev/urandom | base64 > huge.pem
head -c 4000 /dev/urandom > junk.p12
`);
  return { dir, read: (name) => readFileSync(path.join(dir, name), 'utf8') };
}

async function fill(page, files, fields) {
  for (const [id, name] of Object.entries(fields)) {
    await page.locator(`#${id}`).fill(name === '' ? '' : files.read(name));
  }
}

const GOOD = {
  'diagnose-server-certificates': 'server.crt',
  'diagnose-server-key': 'server.key',
  'diagnose-server-trusted': 'root.crt',
  'diagnose-client-certificates': 'client-chain.crt',
  'diagnose-client-key': 'client.key',
  'diagnose-client-trusted': 'root.crt',
};

async function diagnose(page) {
  await page.locator('#diagnose-run').click();
  await page.locator('#diagnose .diagnosis').waitFor({ timeout: 60000 });
  await page.locator('#diagnose-run:not([disabled])').waitFor();
}

test('an openssl-made good set passes every check and shakes hands over TLS 1.3 and 1.2', async () => {
  const files = await openssl();
  const { page, context, problems, requests } = await openPage(shared);
  // Reachable from the top of the page.
  await page.getByRole('link', { name: 'Diagnose your own files' }).click();
  await fill(page, files, GOOD);
  await page.locator('#diagnose-server-name').fill('localhost');
  await diagnose(page);
  const verdicts = await page.locator('#diagnose .diagnosed-run .verdict').allTextContents();
  assert.deepEqual(verdicts, ['Handshake succeeded', 'Handshake succeeded']);
  assert.equal(await page.locator('#diagnose .finding.fail').count(), 0, await page.locator('#diagnose .finding.fail').allTextContents().then((t) => t.join('\n')));
  const clientBlocks = await page.locator('#diagnose-client-certificates ~ .blocks li').allTextContents();
  assert.deepEqual(clientBlocks, ['leaf CN = diagnose client', 'intermediate CN = Diagnose Intermediate']);
  // openssl agrees on the same files.
  assert.match(sh(files.dir, 'openssl verify -purpose sslclient -CAfile root.crt -untrusted inter.crt client.crt'), /client.crt: OK/);
  // The messages of a run open on demand, as the lab's do.
  await page.locator('#diagnose .diagnosed-run').first().locator('summary').click();
  await page.locator('#diagnose .diagnosed-run').first().getByText('CertificateRequest').first().waitFor();
  assert.deepEqual(requests.filter((u) => !u.startsWith(shared.origin) && !u.startsWith('data:') && !u.startsWith('blob:')), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a client certificate from a CA the server does not trust is refused by the server, as openssl refuses it', async () => {
  const files = await openssl();
  const { page, context } = await openPage(shared);
  await fill(page, files, { ...GOOD, 'diagnose-client-certificates': 'stranger.crt', 'diagnose-client-key': 'stranger.key' });
  await page.locator('#diagnose-server-name').fill('localhost');
  await diagnose(page);
  const verdicts = await page.locator('#diagnose .diagnosed-run .verdict').allTextContents();
  assert.equal(verdicts.length, 2);
  for (const verdict of verdicts) assert.match(verdict, /^Handshake failed: the server refused: The client's certificate does not chain to any CA that the server trusts\.$/);
  const chain = page.locator('#diagnose .finding.fail[data-topic="Chain"]');
  assert.match(await chain.textContent(), /openssl: error 20 at 0 depth lookup: unable to get local issuer certificate/);
  assert.match(sh(files.dir, 'openssl verify -purpose sslclient -CAfile root.crt stranger.crt 2>&1 || true'), /error 20 at 0 depth lookup: unable to get local issuer certificate/);
  // Its lab row is one click away.
  // A lone leaf: the intermediate may be missing, or its CA untrusted; both rows are a click away.
  assert.deepEqual(await chain.locator('a.lab-link').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['#lab-missing-intermediate', '#lab-untrusted-client-ca']);
  await context.close();
});

test('a PKCS#12 file stands in for the client certificate and key', async () => {
  const files = await openssl();
  const { page, context } = await openPage(shared);
  await fill(page, files, { ...GOOD, 'diagnose-client-certificates': '', 'diagnose-client-key': '' });
  await page.locator('#diagnose-client-pkcs12').setInputFiles(path.join(files.dir, 'client.p12'));
  await page.locator('#diagnose-client-passphrase').fill('p12-pass');
  await page.locator('#diagnose-server-name').fill('localhost');
  await diagnose(page);
  const verdicts = await page.locator('#diagnose .diagnosed-run .verdict').allTextContents();
  assert.deepEqual(verdicts, ['Handshake succeeded', 'Handshake succeeded']);
  const blocks = await page.locator('#diagnose-client-pkcs12 ~ .blocks li').allTextContents();
  assert.deepEqual(blocks, ['leaf CN = diagnose client', 'intermediate CN = Diagnose Intermediate', 'key ECDSA P-256 private key']);
  // The wrong password is refused at the file's field.
  await page.locator('#diagnose-client-passphrase').fill('wrong');
  await diagnose(page);
  assert.match(await page.locator('#diagnose-client-pkcs12 ~ .error').textContent(), /password does not open this PKCS#12 file/);
  assert.equal(await page.locator('#diagnose .diagnosed-run').count(), 0);
  await context.close();
});

test('hostile uploads are refused at their field and change nothing else', async () => {
  const files = await openssl();
  const { page, context, problems } = await openPage(shared);
  await fill(page, files, GOOD);
  await page.locator('#diagnose-server-name').fill('localhost');
  // Too big to be PEM: refused before it is read.
  await page.getByLabel('Upload: Client certificate, then its chain (PEM)').setInputFiles(path.join(files.dir, 'huge.pem'));
  assert.match(await page.locator('#diagnose-client-certificates-error').textContent(), /the limit is 256 KiB/);
  assert.equal(await page.locator('#diagnose-client-certificates').inputValue(), files.read('client-chain.crt'));
  // A CSR where a certificate goes, random bytes as a PKCS#12 file, and an RSA key with a
  // 262,144-bit modulus (the fuzz suite's hostile key), refused by its size before any arithmetic.
  await page.locator('#diagnose-client-certificates').fill(files.read('request.csr'));
  await page.locator('#diagnose-server-pkcs12').setInputFiles(path.join(files.dir, 'junk.p12'));
  const huge = readFileSync(path.join(root, 'fuzz/regressions/encrypted_key/huge-rsa-modulus.pem')).subarray(1);
  writeFileSync(path.join(files.dir, 'huge-rsa.key'), huge);
  await page.getByLabel('Upload: Server private key (PEM)').setInputFiles(path.join(files.dir, 'huge-rsa.key'));
  await diagnose(page);
  assert.match(await page.locator('#diagnose-client-certificates-error').textContent(), /Block 1 is "CERTIFICATE REQUEST": a certificate signing request/);
  assert.match(await page.locator('#diagnose-server-pkcs12 ~ .error').textContent(), /Not a PKCS#12 file this lab can read/);
  assert.match(await page.locator('#diagnose-server-key-error').textContent(), /RSA key of 262144 bits; the limit is 8192/);
  assert.equal(await page.locator('#diagnose .diagnosed-run').count(), 0);
  // The other fields still read, and say what they hold.
  assert.deepEqual(await page.locator('#diagnose-server-trusted ~ .blocks li').allTextContents(), ['root CN = Diagnose Root']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a pasted error message leads to the lab row that reproduces it', async () => {
  const { page, context } = await openPage(shared);
  const field = page.getByLabel('Paste an error message or a TLS alert number');
  await field.fill('remote error: tls: unknown certificate authority');
  const lookup = page.locator('#diagnose .message-lookup');
  assert.match(await lookup.textContent(), /Go: The server could not chain the client's certificate/);
  assert.equal(await lookup.locator('[data-row="untrusted-client-ca"]').count(), 1);
  // Each paste redraws the answer: wait for the new one.
  await field.fill('400 No required SSL certificate was sent');
  await lookup.getByText('nginx', { exact: true }).waitFor();
  assert.equal(await lookup.locator('[data-row="no-client-cert"]').count(), 1);
  await field.fill('116');
  await lookup.getByText('TLS alert 116 (certificate_required)').waitFor();
  await field.fill('nothing known here');
  await page.locator('#diagnose').getByText(/No message this lab knows is in that text/).waitFor();
  await context.close();
});
