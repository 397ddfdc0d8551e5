/**
 * `window.api` for the loopback host (`mailtrail ui`): the same client the Electron preload builds,
 * over HTTP (`POST /api/invoke`) and server-sent events (`GET /api/events`). The token comes from
 * this page's URL and travels in a header on every call. Loaded by the host before the app; never
 * loaded in Electron, where the preload provides `window.api`.
 */
import { buildApi, type IpcRendererLike } from '../shared/ipc/api-client';
import type { WireResult } from '../shared/ipc/contract';

const TOKEN_HEADER = 'x-mailtrail-token';
const token = new URLSearchParams(window.location.search).get('token') ?? '';

type Listener = (event: unknown, payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

function unreachable(err: unknown): WireResult<never> {
  const why = err instanceof Error ? err.message : String(err);
  return { ok: false, error: { code: 'INTERNAL', message: `the mailtrail ui host is not reachable (was it stopped?): ${why}` } };
}

async function invoke(channel: string, input: unknown): Promise<unknown> {
  try {
    const res = await fetch('./api/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify({ channel, input: input ?? {} }),
      cache: 'no-store',
    });
    return (await res.json()) as unknown;
  } catch (err) {
    return unreachable(err);
  }
}

function deliver(block: string): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return;
  const payload = JSON.parse(data.join('\n')) as unknown;
  for (const l of listeners.get(event) ?? []) l(null, payload);
}

/** Reads the event stream (fetch, so the token stays in a header), reconnecting with back-off. */
async function stream(): Promise<void> {
  let delay = 250;
  for (;;) {
    try {
      const res = await fetch('./api/events', { headers: { [TOKEN_HEADER]: token }, cache: 'no-store' });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      delay = 250;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          deliver(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      // Host restarting or gone: try again a little later.
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 5000);
  }
}

const transport: IpcRendererLike = {
  invoke: (channel, input) => invoke(channel, input),
  on: (channel, listener) => {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
  },
  removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
};

if (!('api' in window)) {
  Object.defineProperty(window, 'api', { value: Object.freeze(buildApi(transport)), enumerable: true });
  // Connect now, so progress of the first long operation is not missed.
  void stream();
}
