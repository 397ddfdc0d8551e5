/**
 * Builds the typed `window.api` over a transport (Electron's `ipcRenderer` in the preload, HTTP and
 * server-sent events in the loopback host's shim): only the contract's channels and push events are
 * reachable, and wire errors become `Error`s carrying `code`.
 */
import { API_CHANNELS, PUSH_EVENTS, type ApiChannel, type MailtrailApi, type PushEvent, type WireResult } from './contract';

/** The part of `ipcRenderer` the api needs (the loopback shim implements the same). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** An error as the renderer sees it (`details`, e.g. a query error's `column`, when the core gave some). */
export type ApiError = Error & { code: string; details?: Record<string, unknown> };

function apiError(code: string, message: string, details?: Record<string, unknown>): ApiError {
  return Object.assign(new Error(message), details ? { code, details } : { code });
}

/** The plain form of an api error: what crosses Electron's contextBridge intact. */
export interface PlainApiError {
  name: 'MailtrailError';
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Options of {@link buildApi}. */
export interface BuildApiOptions {
  /**
   * Reject with plain `{ name, code, message, details }` objects instead of `Error`s. The preload
   * needs this: contextBridge copies an `Error` without its custom properties (the `code` would be
   * lost), but copies a plain object whole. The renderer turns either form back into an `Error`.
   */
  plainErrors?: boolean;
}

/** Turns any api rejection (an `Error` with `code`, or a {@link PlainApiError}) into an {@link ApiError}. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof Error && typeof (err as ApiError).code === 'string') return err as ApiError;
  if (typeof err === 'object' && err !== null && typeof (err as PlainApiError).code === 'string') {
    const plain = err as PlainApiError;
    return apiError(plain.code, String(plain.message), plain.details);
  }
  return apiError('INTERNAL', err instanceof Error ? err.message : String(err));
}

/** Builds the api object to expose. */
export function buildApi(ipc: IpcRendererLike, options: BuildApiOptions = {}): MailtrailApi {
  const fail = (code: string, message: string, details?: Record<string, unknown>): never => {
    if (options.plainErrors) {
      const plain: PlainApiError = details ? { name: 'MailtrailError', code, message, details } : { name: 'MailtrailError', code, message };
      throw plain;
    }
    throw apiError(code, message, details);
  };
  const channels = new Set<string>(API_CHANNELS);
  const events = new Set<string>(PUSH_EVENTS);
  return {
    async invoke(channel: ApiChannel, input: unknown) {
      if (!channels.has(channel)) return fail('INVALID_INPUT', `unknown channel: ${String(channel)}`);
      const result = (await ipc.invoke(channel, input)) as WireResult<unknown>;
      if (result.ok) return result.value as never;
      return fail(result.error.code, result.error.message, result.error.details);
    },
    on(event: PushEvent, listener: (payload: never) => void) {
      if (!events.has(event)) throw apiError('INVALID_INPUT', `unknown event: ${String(event)}`);
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload as never);
      ipc.on(event, wrapped);
      return () => void ipc.removeListener(event, wrapped);
    },
  };
}
