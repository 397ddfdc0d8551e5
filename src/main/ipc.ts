/**
 * Registers every contract channel with `ipcMain` in one loop: the sender frame must be our own
 * renderer, the input is validated by the channel's zod schema, and errors cross as
 * `{ code, message }` inside a {@link WireResult}.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { toErrorPayload } from '../shared/errors';
import { CHANNELS, contract, type Channel, type CoreHandlers, type WireResult } from '../shared/ipc/contract';
import { formatSchemaError } from '../shared/ipc/validation';

/** The part of `ipcMain` we use (so tests can pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Validates and dispatches one invocation (exported for tests and the loopback host's twin). */
export async function dispatch(handlers: CoreHandlers, channel: Channel, raw: unknown): Promise<WireResult<unknown>> {
  const parsed = contract[channel].input.safeParse(raw ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: `${channel}: ${formatSchemaError(parsed.error)}` } };
  }
  try {
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err) };
  }
}

/**
 * Registers a handler for every channel of the contract.
 * @param isTrustedSender decides whether the invoking frame is our renderer.
 * @returns a function that removes the handlers.
 */
export function registerContract(
  ipcMain: IpcMainLike,
  handlers: CoreHandlers,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  for (const channel of CHANNELS) {
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
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}
