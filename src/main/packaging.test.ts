// Pins the packaging decisions of electron-builder.yml and checks it against electron-builder's own
// schema (the same validation `npm run dist` runs first), without building anything.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
  it('builds the job worker entry beside main.cjs (the worker thread of imports)', async () => {
    const config = (await import('../../vite.main.config')).default as { build: { lib: { entry: Record<string, string> } } };
    expect(Object.keys(config.build.lib.entry).sort()).toEqual(['main', 'worker']);
    expect(config.build.lib.entry['worker']).toMatch(/src[\\/]core[\\/]jobs[\\/]worker\.ts$/);
    expect(readFileSync(join(root, 'src/main/main.ts'), 'utf8')).toContain("setJobWorkerEntry(join(__dirname, 'worker.cjs'))");
  });
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
