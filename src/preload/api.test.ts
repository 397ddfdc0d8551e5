import { describe, expect, it, vi } from 'vitest';
import { buildApi, toApiError, type IpcRendererLike } from './api';

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

describe('errors across contextBridge', () => {
  it('rejects with plain objects in the preload (contextBridge keeps them whole) that the renderer turns back into Errors', async () => {
    const ipc = fakeIpc({ ok: false, error: { code: 'INVALID_INPUT', message: 'query error at column 4: x', details: { column: 4 } } });
    const err = await buildApi(ipc, { plainErrors: true })
      .invoke('case:info', {})
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(Error);
    // What contextBridge does to a rejection value: a structured copy.
    const copied = structuredClone(err);
    expect(copied).toEqual({
      name: 'MailtrailError',
      code: 'INVALID_INPUT',
      message: 'query error at column 4: x',
      details: { column: 4 },
    });
    const back = toApiError(copied);
    expect(back).toBeInstanceOf(Error);
    expect(back).toMatchObject({ code: 'INVALID_INPUT', message: 'query error at column 4: x', details: { column: 4 } });
    expect(toApiError(new Error('boom'))).toMatchObject({ code: 'INTERNAL', message: 'boom' });
  });

  it('exposes the api built with plain errors', async () => {
    const { ipcRenderer } = await import('electron');
    Object.assign(ipcRenderer, { invoke: async () => ({ ok: false, error: { code: 'NO_CASE_OPEN', message: 'no case is open' } }) });
    const { contextBridge } = await import('electron');
    await import('./preload');
    const api = vi.mocked(contextBridge.exposeInMainWorld).mock.calls[0]![1] as { invoke: (c: string, i: unknown) => Promise<unknown> };
    await expect(api.invoke('case:info', {})).rejects.toEqual({ name: 'MailtrailError', code: 'NO_CASE_OPEN', message: 'no case is open' });
  });
});
