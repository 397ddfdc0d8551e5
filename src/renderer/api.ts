import { toApiError } from '../shared/ipc/api-client';
import type { ApiChannel, ApiInput, ApiOutput, MailtrailApi } from '../shared/ipc/contract';

declare global {
  interface Window {
    /** Provided by the Electron preload or by the loopback host's shim. */
    api: MailtrailApi;
  }
}

/**
 * The api the whole UI talks to: `window.api` with every rejection normalised to an `Error`
 * carrying `code` (the preload rejects with plain objects, which survive contextBridge).
 */
export function api(): MailtrailApi {
  const raw = window.api;
  return {
    invoke: (channel, input) => raw.invoke(channel, input).catch((err: unknown) => Promise.reject(toApiError(err))),
    on: (event, listener) => raw.on(event, listener),
  };
}

/** Calls one channel. */
export function call<C extends ApiChannel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>> {
  return api().invoke(channel, input);
}

/** The error code carried by an api rejection, or `INTERNAL`. */
export function errorCode(err: unknown): string {
  return toApiError(err).code;
}

/** A one-line message for an api rejection. */
export function errorMessage(err: unknown): string {
  return toApiError(err).message;
}

/** `details` of an api rejection (e.g. `column` of a query error). */
export function errorDetails(err: unknown): Record<string, unknown> | undefined {
  return toApiError(err).details;
}
