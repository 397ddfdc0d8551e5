/**
 * The HTTPS plumbing shared by the four services: routing, body reading, the rate limiter and
 * transport faults, the request log, and replies that are always JSON (MSAL parses every response,
 * errors included, as JSON).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { FaultInjector, FaultHit, RateLimiter } from '../faults';
import type { FaultTarget, RequestEntry } from '../types';
import type { RequestLog } from './request-log';

export type ServiceName = RequestEntry['service'];

/** What a handler answers. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string or Buffer (sent verbatim) or undefined (no body). */
  body?: unknown;
}

/** One request as handlers see it. */
export interface RequestContext {
  service: ServiceName;
  method: string;
  /** Decoded path (no query). */
  path: string;
  /** Raw path as received (still percent-encoded). */
  rawPath: string;
  query: URLSearchParams;
  rawQuery: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The request's id (echoed as `request-id` / `x-ms-request-id`). */
  requestId: string;
}

/** A route: which fault/rate target it belongs to, and its handler. */
export interface Route {
  target: FaultTarget | 'admin' | 'other';
  /** Whether transport faults and rate limits apply (not for admin and metadata routes). */
  faultable: boolean;
  handle: (ctx: RequestContext) => Reply | Promise<Reply>;
}

/** How a service turns transport faults and unknown routes into its own error dialect. */
export interface ServiceDialect {
  name: ServiceName;
  /** Finds the route for a request, or null (→ `notFound`). */
  route: (method: string, path: string) => Route | null;
  notFound: (ctx: RequestContext) => Reply;
  /** The reply for a throttle / server-error / unauthorized fault. */
  faultReply: (ctx: RequestContext, fault: FaultHit, target: FaultTarget) => Reply;
  /** The reply when the token bucket is empty. */
  rateLimitReply: (ctx: RequestContext, retryAfterSec: number, target: FaultTarget) => Reply;
  /** Called for `revokeTokens` before the handler runs. */
  onRevoke?: () => void;
}

/** Shared machinery of the listeners. */
export interface HttpDeps {
  log: RequestLog;
  faults: FaultInjector;
  limiter: RateLimiter;
  /**
   * Scenario time minus wall time. The `Date` header tells the scenario's clock, so a client that
   * measures service horizons (Management API's 7 days) from the server's date sees the tenant's
   * "now", as it would against the real service.
   */
  clockOffsetMs: number;
}

const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function serialise(reply: Reply): { bytes: Buffer; type: string | undefined } {
  if (reply.body === undefined) return { bytes: Buffer.alloc(0), type: undefined };
  if (Buffer.isBuffer(reply.body)) return { bytes: reply.body, type: undefined };
  if (typeof reply.body === 'string') return { bytes: Buffer.from(reply.body, 'utf8'), type: undefined };
  return { bytes: Buffer.from(JSON.stringify(reply.body), 'utf8'), type: 'application/json; charset=utf-8' };
}

/** A listening service. */
export interface Listener {
  server: Server;
  port: number;
  origin: string;
  close(): Promise<void>;
}

/** Starts one HTTPS service on 127.0.0.1. */
export async function listen(dialect: ServiceDialect, deps: HttpDeps, tls: { key: string; cert: string }, port: number): Promise<Listener> {
  const server = createServer({ key: tls.key, cert: tls.cert, keepAlive: true }, (req, res) => {
    void handle(dialect, deps, req, res);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    origin: `https://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(dialect: ServiceDialect, deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  const rawQuery = q >= 0 ? rawUrl.slice(q + 1) : '';
  // Decode segment by segment so an encoded '/' inside an id stays inside its segment.
  const path = rawPath
    .split('/')
    .map((seg) => {
      try {
        return decodeURIComponent(seg).replace(/\//g, '%2F');
      } catch {
        return seg;
      }
    })
    .join('/');
  const method = (req.method ?? 'GET').toUpperCase();
  const ctx: RequestContext = {
    service: dialect.name,
    method,
    path,
    rawPath,
    query: new URLSearchParams(rawQuery),
    rawQuery,
    headers: req.headers,
    body: '',
    requestId: randomUUID(),
  };
  const route = dialect.route(method, path);
  const target = route?.target ?? 'other';
  let fault: RequestEntry['fault'];
  let reply: Reply;
  let drop = false;
  try {
    ctx.body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? await readBody(req) : '';
    if (!route) {
      reply = dialect.notFound(ctx);
    } else if (route.faultable && target !== 'admin' && target !== 'other') {
      const wait = deps.limiter.take(target);
      const hit = wait > 0 ? null : deps.faults.transport(target);
      if (wait > 0) {
        fault = 'rateLimit';
        reply = dialect.rateLimitReply(ctx, wait, target);
      } else if (hit && hit.kind !== 'drop' && hit.kind !== 'revokeTokens') {
        fault = hit.kind;
        reply = dialect.faultReply(ctx, hit, target);
      } else {
        if (hit?.kind === 'revokeTokens') {
          fault = 'revokeTokens';
          dialect.onRevoke?.();
        }
        if (hit?.kind === 'drop') {
          fault = 'drop';
          drop = true;
        }
        reply = await route.handle(ctx);
      }
    } else {
      reply = await route.handle(ctx);
    }
  } catch (err) {
    reply = {
      status: 500,
      body: { error: { code: 'InternalServerError', message: `emulator error: ${err instanceof Error ? err.message : String(err)}` } },
    };
  }
  const { bytes, type } = serialise(reply);
  const headers: Record<string, string> = {
    date: new Date(Date.now() + deps.clockOffsetMs).toUTCString(),
    'request-id': ctx.requestId,
    'x-ms-request-id': ctx.requestId,
    'client-request-id': String(req.headers['client-request-id'] ?? ctx.requestId),
    ...(type ? { 'content-type': type } : {}),
    ...reply.headers,
    'content-length': String(bytes.length),
  };
  deps.log.add({
    at: started,
    service: dialect.name,
    target,
    method,
    path: rawPath,
    query: rawQuery,
    status: reply.status,
    ...(fault ? { fault } : {}),
    bytes: drop ? Math.floor(bytes.length / 2) : bytes.length,
    ms: Date.now() - started,
  });
  if (res.destroyed) return;
  res.writeHead(reply.status, headers);
  if (drop) {
    // Promise the whole body, send half of it, then cut the connection: the client sees a
    // truncated body / socket error mid-read, as when a front end resets a long response.
    const half = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
    res.write(half, () => {
      setImmediate(() => res.socket?.destroy());
    });
    return;
  }
  res.end(bytes);
}
