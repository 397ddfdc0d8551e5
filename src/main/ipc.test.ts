import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCore } from '../core/index';
import { AppData } from '../core/host/app-data';
import { createApiHandlers } from '../core/host/host-handlers';
import { tempDir } from '../../test/helpers/case';
import { API_CHANNELS, CHANNELS, HOST_CHANNELS, type ApiHandlers } from '../shared/ipc/contract';
import { registerContract, type IpcMainLike } from './ipc';
import { isAppUrl } from './security';

vi.mock('electron', () => ({ ipcMain: { handle: vi.fn(), removeHandler: vi.fn() } }));

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  // What Electron does for an invoke: run the registered handler, or fail when there is none.
  const invoke = async (channel: string, input: unknown, url = 'app://mailtrail/index.html') => {
    const h = handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h({ senderFrame: { url } } as unknown as IpcMainInvokeEvent, input);
  };
  return { ipc, handlers, invoke };
}

const trusted = (e: IpcMainInvokeEvent) => isAppUrl(e.senderFrame?.url);
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function apiHandlers(): { handlers: ApiHandlers; dir: string } {
  const core = createCore();
  const { dir, cleanup } = tempDir();
  cleanups.push(() => core.dispose(), cleanup);
  const handlers = createApiHandlers({
    core: core.handlers,
    appData: new AppData(`${dir}/data`),
    info: { host: 'electron', nativeDialogs: true, casesDir: dir, platform: 'linux', version: 'test' },
  });
  return { handlers, dir };
}

describe('registerContract', () => {
  it('registers exactly the core and host channels, in one loop, and can remove them', () => {
    const { ipc, handlers } = fakeIpcMain();
    const remove = registerContract(ipc, apiHandlers().handlers, trusted);
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS, ...HOST_CHANNELS].sort());
    expect(API_CHANNELS.length).toBe(CHANNELS.length + HOST_CHANNELS.length);
    remove();
    expect(handlers.size).toBe(0);
  });

  it('validates input with the schema: invalid input is an INVALID_INPUT error naming the field', async () => {
    const { ipc, invoke } = fakeIpcMain();
    registerContract(ipc, apiHandlers().handlers, trusted);
    const r = (await invoke('case:create', { file: '/tmp/x.mtcase', name: '', examiner: 'E', passphrase: 'p' })) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('INVALID_INPUT');
    expect(r.error.message).toMatch(/^case:create: name:/);
    const extra = (await invoke('case:info', { sneaky: true })) as { ok: boolean; error: { code: string } };
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await invoke('app:setPrefs', { theme: 'neon' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await invoke('dialog:open', { purpose: 'anything' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('never calls the handler for invalid input', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const spy = vi.fn();
    const handlers = Object.fromEntries(API_CHANNELS.map((c) => [c, spy])) as unknown as ApiHandlers;
    registerContract(ipc, handlers, trusted);
    await invoke('case:open', { file: 42 });
    await invoke('app:forget', {});
    expect(spy).not.toHaveBeenCalled();
    await invoke('app:forget', { file: '/x.mtcase' });
    expect(spy).toHaveBeenCalledOnce();
  });

  it('refuses unknown channels and untrusted senders', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const spy = vi.fn();
    const handlers = Object.fromEntries(API_CHANNELS.map((c) => [c, spy])) as unknown as ApiHandlers;
    registerContract(ipc, handlers, trusted);
    await expect(invoke('fs:readFile', { path: '/etc/passwd' })).rejects.toThrow(/No handler registered/);
    const r = await invoke('case:info', {}, 'https://evil.example/');
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringMatching(/untrusted sender/) } });
    expect(await invoke('app:recent', {}, 'file:///tmp/evil.html')).toMatchObject({ ok: false });
    expect(spy).not.toHaveBeenCalled();
  });

  it('maps core errors to { code, message }, passes results through and remembers opened cases', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const { handlers, dir } = apiHandlers();
    registerContract(ipc, handlers, trusted);
    expect(await invoke('case:info', {})).toEqual({ ok: false, error: { code: 'NO_CASE_OPEN', message: 'no case is open' } });
    const created = (await invoke('case:create', { file: `${dir}/c.mtcase`, name: 'C', examiner: 'E', passphrase: 'secret-pp' })) as {
      ok: boolean;
      value: { name: string };
    };
    expect(created).toMatchObject({ ok: true, value: { name: 'C' } });
    const verified = await invoke('custody:verify', {});
    expect(verified).toMatchObject({ ok: true, value: { ok: true, entries: 1 } });
    const recent = (await invoke('app:recent', {})) as { ok: true; value: { cases: { file: string; name: string }[] } };
    expect(recent.value.cases).toEqual([expect.objectContaining({ file: `${dir}/c.mtcase`, name: 'C' })]);
    expect(JSON.stringify(recent)).not.toContain('secret-pp');
    expect(await invoke('dialog:open', { purpose: 'case' })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
  });
});
