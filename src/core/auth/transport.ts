/**
 * The one HTTPS client of a collection, shared by MSAL (as its `system.networkClient`) and every
 * collector. It refuses any origin outside the configured cloud (forensic invariant 7), trusts an
 * extra CA when given (the local emulator), and reports every request to an observer, so a test
 * can prove where traffic went.
 */
import { Agent, request as httpsRequest } from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { IncomingHttpHeaders } from 'node:http';
import { MailtrailError } from '../../shared/errors';

/** One request. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Abort when no byte moves for this long (default 120 s). */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/** A complete response (the whole body was received). */
export interface HttpResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
}

/** What the observer sees of each request (never headers or bodies: they hold tokens). */
export interface RequestRecord {
  method: string;
  url: string;
  status: number | null;
  error: string | null;
  startedAtMs: number;
  ms: number;
}

/**
 * A transport failure after which the same request may be repeated: connection refused or reset,
 * a body cut off mid-way, a stalled socket.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Options for {@link createTransport}. */
export interface TransportOptions {
  /** The only origins (`https://host[:port]`) that may be contacted. */
  allowedOrigins: readonly string[];
  /** Extra trusted CA certificates (PEM), added to the system roots. */
  caPem?: string | undefined;
  /** Parallel sockets per origin (default 16). */
  maxSockets?: number;
  /** Sees every request when it ends. */
  onRequest?: ((record: RequestRecord) => void) | undefined;
}

/** The HTTPS client of one collection. */
export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** The origins this transport may contact. */
  readonly allowedOrigins: readonly string[];
  /** Closes idle sockets. */
  close(): void;
}

function flattenHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Throws unless `url` is https on one of the allowed origins. */
export function assertAllowed(url: string, allowed: readonly string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MailtrailError('NETWORK', `refusing a malformed URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' || !allowed.includes(parsed.origin)) {
    throw new MailtrailError('NETWORK', `refusing to contact ${parsed.origin}: not a host of the configured cloud (${allowed.join(', ')})`);
  }
  return parsed;
}

/** Creates the transport. */
export function createTransport(options: TransportOptions): Transport {
  const allowedOrigins = Object.freeze([...new Set(options.allowedOrigins)]);
  // One secure context for every connection: passing `ca` instead would rebuild it (and the agent's
  // pool key, which embeds every CA) on each request.
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? 16,
    ...(options.caPem ? { secureContext: createSecureContext({ ca: [...rootCertificates, options.caPem] }) } : {}),
  });

  const request = (req: HttpRequest): Promise<HttpResponse> => {
    let url: URL;
    try {
      url = assertAllowed(req.url, allowedOrigins);
    } catch (err) {
      return Promise.reject(err);
    }
    const startedAtMs = Date.now();
    const report = (status: number | null, error: string | null) =>
      options.onRequest?.({ method: req.method, url: req.url, status, error, startedAtMs, ms: Date.now() - startedAtMs });
    return new Promise<HttpResponse>((resolve, reject) => {
      if (req.signal?.aborted) {
        reject(new MailtrailError('CANCELLED', 'collection cancelled'));
        return;
      }
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        req.signal?.removeEventListener('abort', onAbort);
        report(null, err.message);
        reject(err);
      };
      const r = httpsRequest(url, { method: req.method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('aborted', () =>
          fail(new TransportError(`connection dropped mid-body: ${req.method} ${url.origin}${url.pathname}`, req.url)),
        );
        res.on('error', (e) => fail(new TransportError(`${e.message}: ${req.method} ${url.origin}${url.pathname}`, req.url)));
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) {
            fail(new TransportError(`incomplete response body: ${req.method} ${url.origin}${url.pathname}`, req.url));
            return;
          }
          settled = true;
          req.signal?.removeEventListener('abort', onAbort);
          const status = res.statusCode ?? 0;
          report(status, null);
          resolve({ status, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks) });
        });
      });
      const onAbort = () => {
        r.destroy();
        fail(new MailtrailError('CANCELLED', 'collection cancelled'));
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      r.setTimeout(req.timeoutMs ?? 120_000, () => {
        r.destroy();
        fail(
          new TransportError(
            `no response within ${Math.round((req.timeoutMs ?? 120_000) / 1000)} s: ${req.method} ${url.origin}${url.pathname}`,
            req.url,
          ),
        );
      });
      r.on('error', (e) =>
        fail(e instanceof MailtrailError ? e : new TransportError(`${e.message}: ${req.method} ${url.origin}${url.pathname}`, req.url)),
      );
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  };

  return { request, allowedOrigins, close: () => agent.destroy() };
}
