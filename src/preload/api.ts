/**
 * Builds the typed `window.api` over an `ipcRenderer`-like object: only the contract's channels and
 * push events are reachable, and wire errors become `Error`s carrying `code`.
 */
import { CHANNELS, PUSH_EVENTS, type Channel, type MailtrailApi, type PushEvent, type WireResult } from '../shared/ipc/contract';

/** The part of `ipcRenderer` the api needs. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** An error as the renderer sees it. */
export type ApiError = Error & { code: string };

function apiError(code: string, message: string): ApiError {
  return Object.assign(new Error(message), { code });
}

/** Builds the api object to expose. */
export function buildApi(ipc: IpcRendererLike): MailtrailApi {
  const channels = new Set<string>(CHANNELS);
  const events = new Set<string>(PUSH_EVENTS);
  return {
    async invoke(channel: Channel, input: unknown) {
      if (!channels.has(channel)) throw apiError('INVALID_INPUT', `unknown channel: ${String(channel)}`);
      const result = (await ipc.invoke(channel, input)) as WireResult<unknown>;
      if (result.ok) return result.value as never;
      throw apiError(result.error.code, result.error.message);
    },
    on(event: PushEvent, listener: (payload: never) => void) {
      if (!events.has(event)) throw apiError('INVALID_INPUT', `unknown event: ${String(event)}`);
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload as never);
      ipc.on(event, wrapped);
      return () => void ipc.removeListener(event, wrapped);
    },
  };
}
