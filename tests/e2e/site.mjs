// The shared setup of every end-to-end test file.
import { before, after } from 'node:test';
import { serveDist, launch } from './harness.mjs';

/** Serves dist/ and launches Chromium once for the file, closing both at the end. */
export function useSite() {
  const shared = {};
  before(async () => {
    Object.assign(shared, await serveDist());
    shared.browser = await launch();
  });
  after(async () => {
    await shared.browser?.close();
    shared.server?.close();
  });
  return shared;
}
