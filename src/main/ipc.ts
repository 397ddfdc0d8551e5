/**
 * Registers every channel (the core's and the host's) with `ipcMain` in one loop: the sender frame
 * must be our own renderer, then the shared {@link dispatch} validates the input with the channel's
 * zod schema and maps errors to `{ code, message }` inside a {@link WireResult}. Channels outside
 * the contract have no handler, so Electron refuses them.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { API_CHANNELS, type ApiHandlers, type WireResult } from '../shared/ipc/contract';
import { dispatch } from '../shared/ipc/dispatch';

export { dispatch };

/** The part of `ipcMain` we use (so tests can pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/**
 * Registers a handler for every channel of the contract and the host contract.
 * @param isTrustedSender decides whether the invoking frame is our renderer.
 * @returns a function that removes the handlers.
 */
export function registerContract(
  ipcMain: IpcMainLike,
  handlers: ApiHandlers,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  for (const channel of API_CHANNELS) {
    ipcMain.handle(channel, async (event, raw) => {
      if (!isTrustedSender(event)) {
        return {
          ok: false,
          error: { code: 'INVALID_INPUT', message: `${channel}: refused: untrusted sender` },
        } satisfies WireResult<never>;
      }
      return dispatch(handlers, channel, raw);
    });
  }
  return () => {
    for (const channel of API_CHANNELS) ipcMain.removeHandler(channel);
  };
}
