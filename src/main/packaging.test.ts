// Pins the packaging decisions of electron-builder.yml and checks it against electron-builder's own
// schema (the same validation `npm run dist` runs first), without building anything.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(join(root, 'package.json'));
// electron-builder's own YAML reader and schema validator (installed with it).
const yaml = require('js-yaml') as { load: (text: string) => unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration: (config: unknown, logger: { add: () => void; isEnabled: boolean }) => Promise<void>;
};

interface BuilderConfig {
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  publish: unknown;
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[]; hardenedRuntime: boolean; entitlements: string };
  nsis: { artifactName: string };
  portable: { artifactName: string };
  extraResources: { from: string; to: string }[];
}

const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  allowScripts: Record<string, boolean>;
};

describe('the Electron main bundle', () => {
  it('builds the job worker as worker.js beside the runner, as CommonJS that loads in a worker thread', async () => {
    const { build } = await import('vite');
    // Inside the repository, so the bundle's external dependencies resolve from node_modules.
    mkdirSync(join(root, 'test-results'), { recursive: true });
    const dir = mkdtempSync(join(root, 'test-results', 'main-bundle-'));
    const cleanup = () => rmSync(dir, { recursive: true, force: true });
    try {
      await build({ configFile: join(root, 'vite.main.config.ts'), logLevel: 'silent', build: { outDir: dir } });
      expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
      const files = readdirSync(dir);
      expect(files).toEqual(expect.arrayContaining(['main.cjs', 'worker.js', 'parse-worker.js']));
      // No module location was inlined or lost: the runner finds worker.js beside itself at run time.
      const code = files.filter((f) => /\.(c?js)$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8'));
      expect(code.join('\n')).not.toMatch(/import\.meta|data:video|data:text\/javascript/);
      // Every package the bundle requires at run time resolves as CommonJS (ESM-only ones are bundled).
      const requireHere = createRequire(join(dir, 'main.cjs'));
      const required = new Set([...code.join('\n').matchAll(/require\("([^".][^"]*)"\)/g)].map((m) => m[1]!));
      for (const id of required) if (id !== 'electron') expect(() => requireHere.resolve(id), id).not.toThrow();
      // The worker bundle starts in a thread and reports a job error (not a module-loading crash).
      const message = await new Promise<unknown>((resolve, reject) => {
        const worker = new Worker(join(dir, 'worker.js'), { workerData: { jobId: 'probe', kind: 'no-such-job', input: {}, caseRef: {} } });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(message).toMatchObject({ type: 'error', error: { message: expect.stringMatching(/unknown job kind no-such-job/) } });
      // So does the parse thread: handed one JSON record and the end, it posts the record, then `end`.
      const parsed = await new Promise<{ type: string; records?: number }[]>((resolve, reject) => {
        const control = new SharedArrayBuffer(64);
        const worker = new Worker(join(dir, 'parse-worker.js'), {
          workerData: { control, codec: 'none', format: 'ual-json', mailbox: null, observedAtUs: 0, maxInFlight: 4, messageRecords: 10, messageChars: 1 << 20 },
        });
        const seen: { type: string; records?: number }[] = [];
        const record = { Id: 'a1', CreationTime: '2024-01-01T00:00:00Z', Operation: 'MailItemsAccessed', UserId: 'u@x.test', RecordType: 50, Workload: 'Exchange' };
        worker.postMessage({ data: Buffer.from(JSON.stringify([record])) });
        worker.postMessage({ data: null });
        new Int32Array(control)[2] = 2; // chunks sent
        worker.on('message', (m: { type: string; records?: number }) => {
          if (m.type === 'need') return;
          seen.push(m);
          if (m.type === 'end' || m.type === 'error') resolve(seen);
        });
        worker.once('error', reject);
      });
      expect(parsed.map((m) => m.type)).toEqual(['batch', 'end']);
      expect(parsed[0]!.records).toBe(1);
    } finally {
      cleanup();
    }
    expect(readFileSync(join(root, 'src/main/main.ts'), 'utf8')).toContain("setJobWorkerEntry(join(__dirname, 'worker.js'))");
  }, 60_000);
});

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(validateConfiguration(config, { add: () => {}, isEnabled: false })).resolves.toBeUndefined();
  });

  it('builds AppImage and deb, nsis and portable, and dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis', 'portable']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.nsis.artifactName).not.toBe(config.portable.artifactName);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(readFileSync(join(root, config.mac.entitlements), 'utf8')).toContain('com.apple.security.cs.allow-jit');
  });

  it('unpacks and rebuilds native modules at packaging time, and never auto-updates', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3-multiple-ciphers/**', '**/*.node']));
    expect(config.npmRebuild).toBe(true);
    expect(config.publish).toBeNull();
    // npm ci must not download Electron (no internet on build machines): its install script is off.
    expect(pkg.allowScripts['electron']).toBe(false);
  });

  it('ships the three bundles and the resources, and nothing of the loopback host', () => {
    expect(pkg.main).toBe('dist/main/main.cjs');
    expect(config.files).toEqual(
      expect.arrayContaining(['dist/main/**/*', 'dist/preload/**/*', 'dist/renderer/**/*', '!dist/renderer/host-shim.js']),
    );
    expect(config.extraResources).toEqual([{ from: 'resources', to: 'resources' }]);
    expect(pkg.scripts['dist']).toMatch(/npm run build && electron-builder --config electron-builder\.yml/);
  });
});
