// The workshop's zip as the seed lays it out, checked with openssl as the seed checks it.
import assert from 'node:assert/strict';
import { sh } from './harness.mjs';

export const SEED_PATHS = [
  'client_c_ca/private/client_c_root_ca.key', 'client_c_ca/certs/client_c_root_ca.crt',
  'client_b_ca/private/client_b_root_ca.key', 'client_b_ca/certs/client_b_root_ca.crt',
  'client_c_ca/private/client_c_intermediate_ca.key', 'client_c_ca/csr/client_c_intermediate_ca.csr',
  'client_c_ca/certs/client_c_intermediate_ca.crt',
  'client_b_ca/private/client_b_intermediate_ca.key', 'client_b_ca/csr/client_b_intermediate_ca.csr',
  'client_b_ca/certs/client_b_intermediate_ca.crt',
  'client_b_cert/client_b.key', 'client_b_cert/client_b_to_client_c.csr', 'client_c_ca/csr/client_b_to_client_c.csr',
  'client_c_ca/certs/client_b_signed_by_client_c.crt', 'client_b_cert/client_b_signed_by_client_c.crt',
  'client_c_ca/certs/client_c_ca_chain.crt', 'client_b_cert/client_c_ca_chain.crt',
  'client_c_ca/private/client_c_server.key', 'client_c_ca/csr/client_c_server.csr', 'client_c_ca/certs/client_c_server.crt',
];

/** Unzips `zip` in `dir`, checks it holds the seed's files, and runs the seed's verification
 * on them as downloaded; every key opens with `passphrase` and not with another. */
export function checkSeedZip(dir, zip, passphrase) {
  sh(dir, `unzip -q ${zip}`);
  const listed = sh(dir, 'find client_b_ca client_b_cert client_c_ca -type f | sort').trim().split('\n');
  assert.deepEqual(listed, [...SEED_PATHS].sort());
  const env = { KEY_PASSPHRASE: passphrase };
  assert.match(sh(dir, 'openssl verify -CAfile client_c_ca/certs/client_c_root_ca.crt -untrusted client_c_ca/certs/client_c_intermediate_ca.crt client_b_cert/client_b_signed_by_client_c.crt'), /: OK/);
  assert.match(sh(dir, 'openssl verify -CAfile client_c_ca/certs/client_c_ca_chain.crt client_c_ca/certs/client_c_server.crt'), /: OK/);
  assert.match(sh(dir, 'openssl req -in client_b_cert/client_b_to_client_c.csr -verify -noout 2>&1'), /verify OK/);
  for (const key of SEED_PATHS.filter((p) => p.endsWith('.key'))) {
    sh(dir, `openssl pkey -in ${key} -passin env:KEY_PASSPHRASE -noout`, env);
    assert.throws(() => sh(dir, `openssl pkey -in ${key} -passin pass:wrong-passphrase -noout`));
  }
}
