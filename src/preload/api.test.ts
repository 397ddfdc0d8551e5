import { describe, expect, it, vi } from 'vitest';
import { buildApi, type IpcRendererLike } from './api';

vi.mock('electron', () => ({ contextBridge: { exposeInMainWorld: vi.fn() }, ipcRenderer: {} }));

function fakeIpc(reply: unknown): IpcRendererLike & { invoke: ReturnType<typeof vi.fn> } {
  return { invoke: vi.fn(async () => reply), on: vi.fn(), removeListener: vi.fn() };
}

describe('preload api', () => {
  it('exposes only invoke and on', async () => {
    const { contextBridge } = await import('electron');
    await import('./preload');
    const [name, api] = vi.mocked(contextBridge.exposeInMainWorld).mock.calls[0]!;
    expect(name).toBe('api');
    expect(Object.keys(api as object).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards contract channels and unwraps results', async () => {
    const ipc = fakeIpc({ ok: true, value: { closed: true } });
    await expect(buildApi(ipc).invoke('case:close', {})).resolves.toEqual({ closed: true });
    expect(ipc.invoke).toHaveBeenCalledWith('case:close', {});
  });

  it('refuses channels outside the contract without touching IPC', async () => {
    const ipc = fakeIpc({ ok: true, value: null });
    await expect(buildApi(ipc).invoke('shell:exec' as never, {} as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(ipc.invoke).not.toHaveBeenCalled();
    expect(() => buildApi(ipc).on('secret:event' as never, () => {})).toThrow(/unknown event/);
  });

  it('turns wire errors into Errors carrying the code', async () => {
    const ipc = fakeIpc({ ok: false, error: { code: 'WRONG_PASSPHRASE', message: 'wrong passphrase or not a Mailtrail case: x' } });
    await expect(buildApi(ipc).invoke('case:open', { file: 'x', passphrase: 'p' })).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
      message: 'wrong passphrase or not a Mailtrail case: x',
    });
  });

  it('subscribes to push events and unsubscribes', () => {
    const ipc = fakeIpc(null);
    const listener = vi.fn();
    const off = buildApi(ipc).on('job:progress', listener);
    const wrapped = vi.mocked(ipc.on).mock.calls[0]![1];
    wrapped({}, { jobId: 'j', phase: 'p', done: 1, total: 2, unit: 'items' });
    expect(listener).toHaveBeenCalledWith({ jobId: 'j', phase: 'p', done: 1, total: 2, unit: 'items' });
    off();
    expect(ipc.removeListener).toHaveBeenCalledWith('job:progress', wrapped);
  });
});
