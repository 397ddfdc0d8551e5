import type { MailtrailApi } from '../shared/ipc/contract';

declare global {
  interface Window {
    /** Provided by the Electron preload or by the loopback host's shim. */
    api: MailtrailApi;
  }
}

/** The typed api the whole UI talks to. */
export function api(): MailtrailApi {
  return window.api;
}
