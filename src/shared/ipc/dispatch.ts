/**
 * Validates and dispatches one invocation from the UI, the same way in every host (Electron's
 * `ipcMain` loop and the loopback host of `mailtrail ui`): unknown channels are refused, the input
 * is parsed by the channel's zod schema before any handler sees it, and whatever is thrown crosses
 * as `{ code, message }` inside a {@link WireResult}.
 */
import { toErrorPayload } from '../errors';
import { inputSchema, isApiChannel, type ApiHandlers, type WireResult } from './contract';
import { formatSchemaError } from './validation';

/** Dispatches `raw` to the handler of `channel`; never throws. */
export async function dispatch(handlers: ApiHandlers, channel: string, raw: unknown): Promise<WireResult<unknown>> {
  if (!isApiChannel(channel)) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: `unknown channel: ${channel.slice(0, 80)}` } };
  }
  const parsed = inputSchema(channel).safeParse(raw ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: `${channel}: ${formatSchemaError(parsed.error)}` } };
  }
  try {
    const handler = handlers[channel] as ((input: unknown) => Promise<unknown>) | undefined;
    if (typeof handler !== 'function') return { ok: false, error: { code: 'UNSUPPORTED', message: `${channel}: not available here` } };
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err) };
  }
}
