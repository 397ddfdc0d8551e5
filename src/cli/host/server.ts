/**
 * The loopback host of `mailtrail ui`: serves the built renderer to a browser on this machine and
 * answers the contract over HTTP from a real core, so the same UI runs without Electron (the
 * end-to-end tests drive it with Chromium). Loopback only, a random token, Host/Origin checks.
 *
 * Routes: `GET /?token=…` the app (with the api shim), `GET /<asset>` build files,
 * `POST /api/invoke` `{channel, input}` → WireResult, `GET /api/events` server-sent push events.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ApiHandlers, WireResult } from '../../shared/ipc/contract';
import { isApiChannel } from '../../shared/ipc/contract';
import { dispatch } from '../../shared/ipc/dispatch';
import { RENDERER_HEADERS } from '../../shared/web-policy';
import type { EventHub } from './events';
import { newToken, refuseRequest, TOKEN_HEADER, tokenMatches } from './guard';
import { injectShim, readRendererFile } from './static-files';

/** Largest accepted API request body. */
export const MAX_BODY_BYTES = 1 << 20;

/** Inputs of {@link startLoopbackHost}. */
export interface LoopbackHostOptions {
  handlers: ApiHandlers;
  events: EventHub;
  /** Directory of the built renderer (`dist/renderer`). */
  rendererDir: string;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

/** A running host. */
export interface LoopbackHost {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function refusal(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { ok: false, error: { code: 'INVALID_INPUT', message: `refused: ${message}` } } satisfies WireResult<never>);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the host on 127.0.0.1 and resolves once it is listening. */
export async function startLoopbackHost(options: LoopbackHostOptions): Promise<LoopbackHost> {
  const { handlers, events, rendererDir } = options;
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${join(rendererDir, 'index.html')} is missing): run \`npm run build\` first`);
  }
  const token = options.token ?? newToken();
  let port = 0;

  const handleApi = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (!tokenMatches(token, req.headers[TOKEN_HEADER])) return refusal(res, 403, 'missing or wrong token');
    if (path === '/api/events') {
      if (req.method !== 'GET') return refusal(res, 405, 'use GET');
      return events.attach(res);
    }
    if (path !== '/api/invoke') return refusal(res, 404, `no such endpoint: ${path}`);
    if (req.method !== 'POST') return refusal(res, 405, 'use POST');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return refusal(res, 415, 'send application/json');
    let message: { channel?: unknown; input?: unknown };
    try {
      message = JSON.parse((await readBody(req)).toString('utf8')) as typeof message;
    } catch (err) {
      return refusal(res, 400, `unreadable request: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof message !== 'object' || message === null || !isApiChannel(message.channel)) {
      return refusal(res, 404, `unknown channel: ${String((message as { channel?: unknown } | null)?.channel).slice(0, 80)}`);
    }
    sendJson(res, 200, await dispatch(handlers, message.channel, message.input));
  };

  const handleStatic = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain; charset=utf-8');
    const isIndex = url.pathname === '/' || url.pathname === '/index.html';
    if (isIndex) {
      if (!tokenMatches(token, url.searchParams.get('token'))) {
        return send(res, 403, 'Open the URL printed by `mailtrail ui`: it carries the access token.', 'text/plain; charset=utf-8');
      }
      const file = await readRendererFile(rendererDir, '/index.html');
      if (!file) return send(res, 500, 'renderer build missing', 'text/plain; charset=utf-8');
      return send(res, 200, injectShim(file.body.toString('utf8')), file.type, RENDERER_HEADERS as Record<string, string>);
    }
    const file = await readRendererFile(rendererDir, url.pathname);
    if (!file) return send(res, 404, 'not found', 'text/plain; charset=utf-8');
    send(res, 200, req.method === 'HEAD' ? '' : file.body, file.type, RENDERER_HEADERS as Record<string, string>);
  };

  const server = createServer((req, res) => {
    const refused = refuseRequest(req.headers, port);
    if (refused) return refusal(res, 403, refused);
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const work = url.pathname.startsWith('/api/') ? handleApi(req, res, url.pathname) : handleStatic(req, res, url);
    work.catch((err: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } });
      else res.end();
    });
  });
  // Browsers keep connections open; do not let an idle one hold the process at close.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolveClose) => {
        events.close();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
