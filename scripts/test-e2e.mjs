// `npm run test:e2e`: builds the renderer, then drives it in Debian's Chromium against the loopback
// host (`mailtrail ui`) with playwright-core. Needs /usr/bin/chromium (`.ci/run` installs it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.MAILTRAIL_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `test:e2e: Chromium not found at ${chromium}. Install Debian's chromium (apt-get install chromium; .ci/run does it) or set MAILTRAIL_CHROMIUM to a Chromium binary.`,
  );
  process.exit(1);
}

const node = process.execPath;
const step = (label, args) => {
  const r = spawnSync(node, args, { cwd: root, stdio: 'inherit', env: { ...process.env, MAILTRAIL_CHROMIUM: chromium } });
  if (r.status !== 0) {
    console.error(`test:e2e: ${label} failed`);
    process.exit(r.status ?? 1);
  }
};

step('building the renderer', [
  join(root, 'node_modules/vite/bin/vite.js'),
  'build',
  '--config',
  'vite.renderer.config.ts',
  '--logLevel',
  'warn',
]);
step('end-to-end tests', [
  join(root, 'node_modules/vitest/vitest.mjs'),
  'run',
  '--config',
  'test/e2e/vitest.config.ts',
  ...process.argv.slice(2),
]);
