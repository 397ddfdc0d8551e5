import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCore } from '../core/index';
import { tempDir } from '../../test/helpers/case';
import { CHANNELS, type CoreHandlers } from '../shared/ipc/contract';
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

describe('registerContract', () => {
  it('registers exactly the contract channels, in one loop, and can remove them', () => {
    const { ipc, handlers } = fakeIpcMain();
    const core = createCore();
    const remove = registerContract(ipc, core.handlers, trusted);
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    remove();
    expect(handlers.size).toBe(0);
  });

  it('validates input with the schema: invalid input is an INVALID_INPUT error naming the field', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const core = createCore();
    registerContract(ipc, core.handlers, trusted);
    const r = (await invoke('case:create', { file: '/tmp/x.mtcase', name: '', examiner: 'E', passphrase: 'p' })) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('INVALID_INPUT');
    expect(r.error.message).toMatch(/^case:create: name:/);
    const extra = (await invoke('case:info', { sneaky: true })) as { ok: boolean; error: { code: string } };
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('never calls the handler for invalid input', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const spy = vi.fn();
    const handlers = Object.fromEntries(CHANNELS.map((c) => [c, spy])) as unknown as CoreHandlers;
    registerContract(ipc, handlers, trusted);
    await invoke('case:open', { file: 42 });
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses unknown channels and untrusted senders', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const core = createCore();
    registerContract(ipc, core.handlers, trusted);
    await expect(invoke('fs:readFile', { path: '/etc/passwd' })).rejects.toThrow(/No handler registered/);
    const r = await invoke('case:info', {}, 'https://evil.example/');
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringMatching(/untrusted sender/) } });
  });

  it('maps core errors to { code, message } and passes results through', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const core = createCore();
    cleanups.push(() => core.dispose());
    registerContract(ipc, core.handlers, trusted);
    expect(await invoke('case:info', {})).toEqual({ ok: false, error: { code: 'NO_CASE_OPEN', message: 'no case is open' } });
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const created = (await invoke('case:create', { file: `${dir}/c.mtcase`, name: 'C', examiner: 'E', passphrase: 'p' })) as {
      ok: boolean;
      value: { name: string };
    };
    expect(created).toMatchObject({ ok: true, value: { name: 'C' } });
    const verified = await invoke('custody:verify', {});
    expect(verified).toMatchObject({ ok: true, value: { ok: true, entries: 1 } });
  });
});
