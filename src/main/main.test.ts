// Boots the real main-process entry with `electron` mocked and checks the wiring end to end:
// data dir override, sandbox, one hardened window, every channel registered with sender checks,
// the menu, and the session's permission and network policy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_CHANNELS } from '../shared/ipc/contract';
import { secureWebPreferences } from './security';

const m = vi.hoisted(() => {
  type Fn = (...args: unknown[]) => unknown;
  const appListeners = new Map<string, Fn>();
  const ipcHandlers = new Map<string, Fn>();
  const windows: { options: Record<string, unknown>; webContents: Record<string, unknown>; url?: string }[] = [];
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((r) => (readyResolve = r));
  const paths = new Map<string, string>([
    ['userData', '/nonexistent/default-user-data'],
    ['documents', '/home/examiner/Documents'],
  ]);
  const session = {
    permissionRequest: undefined as Fn | undefined,
    permissionCheck: undefined as Fn | undefined,
    beforeRequest: undefined as Fn | undefined,
  };
  class BrowserWindow {
    webContents: Record<string, unknown>;
    options: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      this.options = options;
      const listeners = new Map<string, Fn>();
      this.webContents = {
        listeners,
        sent: [] as unknown[],
        on: (name: string, fn: Fn) => listeners.set(name, fn),
        setWindowOpenHandler: (fn: Fn) => listeners.set('window-open', fn),
        send: (...args: unknown[]) => (this.webContents['sent'] as unknown[]).push(args),
      };
      windows.push(this as never);
    }
    static getAllWindows = () => windows;
    once() {}
    on() {}
    isDestroyed() {
      return false;
    }
    loadURL(url: string) {
      (this as unknown as { url: string }).url = url;
      return Promise.resolve();
    }
  }
  const menu = { template: undefined as unknown, set: false };
  return { appListeners, ipcHandlers, windows, ready, readyResolve: () => readyResolve(), paths, session, BrowserWindow, menu };
});

vi.mock('electron', () => ({
  app: {
    setPath: (name: string, p: string) => m.paths.set(name, p),
    getPath: (name: string) => m.paths.get(name) ?? '',
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: () => true,
    on: (name: string, fn: () => void) => m.appListeners.set(name, fn),
    whenReady: () => m.ready,
    quit: vi.fn(),
    isPackaged: true,
  },
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  ipcMain: {
    handle: (channel: string, fn: () => unknown) => m.ipcHandlers.set(channel, fn),
    removeHandler: (channel: string) => m.ipcHandlers.delete(channel),
  },
  BrowserWindow: m.BrowserWindow,
  Menu: {
    buildFromTemplate: (t: unknown) => ((m.menu.template = t), { t }),
    setApplicationMenu: () => (m.menu.set = true),
  },
  dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (fn: () => void) => (m.session.permissionRequest = fn),
      setPermissionCheckHandler: (fn: () => boolean) => (m.session.permissionCheck = fn),
      webRequest: { onBeforeRequest: (fn: () => void) => (m.session.beforeRequest = fn) },
    },
  },
}));

let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'mailtrail-main-'));
  vi.stubEnv('MAILTRAIL_DATA_DIR', dataDir);
  await import('./main');
  m.readyResolve();
  await m.ready;
  await new Promise((r) => setTimeout(r, 0));
});

afterAll(() => {
  m.appListeners.get('window-all-closed')?.();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('electron main process', () => {
  it('honours MAILTRAIL_DATA_DIR and enables the sandbox for every renderer', async () => {
    const { app, protocol } = await import('electron');
    expect(m.paths.get('userData')).toBe(dataDir);
    expect(app.enableSandbox).toHaveBeenCalled();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
  });

  it("runs heavy work in worker threads from the bundle's worker entry beside main.cjs", async () => {
    const { resolveWorkerEntry } = await import('../core/jobs/runner');
    expect(resolveWorkerEntry()).toMatchObject({ file: expect.stringMatching(/[\\/]worker\.js$/) });
  });

  it('opens exactly one window with the pinned webPreferences, loading the app scheme', () => {
    expect(m.windows).toHaveLength(1);
    const win = m.windows[0]!;
    const prefs = win.options['webPreferences'] as { preload: string };
    expect(prefs.preload).toMatch(/preload[\\/]preload\.cjs$/);
    expect(prefs).toEqual(secureWebPreferences(prefs.preload));
    expect(win.url).toBe('app://mailtrail/index.html');
    const listeners = win.webContents['listeners'] as Map<string, (...a: unknown[]) => unknown>;
    expect(listeners.get('window-open')!()).toEqual({ action: 'deny' });
    const nav = { preventDefault: vi.fn() };
    listeners.get('will-navigate')!(nav, 'https://example.com/');
    expect(nav.preventDefault).toHaveBeenCalled();
  });

  it('registers every channel and only answers our window', async () => {
    expect([...m.ipcHandlers.keys()].sort()).toEqual([...API_CHANNELS].sort());
    const win = m.windows[0]!;
    const handler = m.ipcHandlers.get('app:recent')!;
    const ours = await handler({ sender: win.webContents, senderFrame: { url: 'app://mailtrail/index.html' } }, {});
    expect(ours).toEqual({ ok: true, value: { cases: [] } });
    const stranger = await handler({ sender: {}, senderFrame: { url: 'app://mailtrail/index.html' } }, {});
    expect(stranger).toMatchObject({ ok: false, error: { message: expect.stringMatching(/untrusted sender/) } });
    const wrongFrame = await handler({ sender: win.webContents, senderFrame: { url: 'https://evil.example/' } }, {});
    expect(wrongFrame).toMatchObject({ ok: false });
    const info = (await m.ipcHandlers.get('app:info')!({ sender: win.webContents, senderFrame: { url: 'app://mailtrail/' } }, {})) as {
      value: { host: string; nativeDialogs: boolean };
    };
    expect(info.value).toMatchObject({ host: 'electron', nativeDialogs: true });
  });

  it('installs the menu and forwards its clicks to the window as app:menu', () => {
    expect(m.menu.set).toBe(true);
    type Item = { label?: string; submenu?: Item[]; click?: () => void };
    const all = (items: Item[]): Item[] => items.flatMap((i) => [i, ...all(i.submenu ?? [])]);
    all(m.menu.template as Item[]).find((i) => i.label === 'Import…')!.click!();
    expect(m.windows[0]!.webContents['sent']).toContainEqual(['app:menu', { command: 'import' }]);
  });

  it('denies every permission and cancels every request that is not our own scheme', () => {
    const cb = vi.fn();
    m.session.permissionRequest!({}, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    expect(m.session.permissionCheck!()).toBe(false);
    const decide = (url: string) => {
      const callback = vi.fn();
      m.session.beforeRequest!({ url }, callback);
      return callback.mock.calls[0]![0] as { cancel: boolean };
    };
    expect(decide('https://fonts.example.com/a.woff2')).toEqual({ cancel: true });
    expect(decide('http://127.0.0.1:8080/')).toEqual({ cancel: true });
    expect(decide('app://mailtrail/assets/index.js')).toEqual({ cancel: false });
  });
});
