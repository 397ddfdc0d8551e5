/**
 * Client helpers for tests and tools that talk to the emulator: a tiny HTTPS request function that
 * trusts the emulator's CA, and an MSAL `system.networkClient` (reference §8.5) that does the same,
 * records every request and refuses any host that is not the loopback address.
 */
import { Agent, request } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/** One request seen by the recording client. */
export interface RecordedRequest {
  method: string;
  url: string;
  status: number | null;
  /** Set when the request was refused or failed. */
  error?: string;
}

/** A complete response. */
export interface EmulatorResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
  json<T = unknown>(): T;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Sends one HTTPS request trusting `caPem` (and nothing else). */
export function emulatorFetch(
  caPem: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {},
): Promise<EmulatorResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      {
        protocol: u.protocol,
        hostname: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: init.method ?? 'GET',
        headers: { ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}), ...init.headers },
        ca: caPem,
        ...(init.agent ? { agent: init.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
        res.on('end', () => {
          if (!res.complete) {
            reject(new Error('connection closed before the whole body arrived'));
            return;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers, text, json: <T>() => JSON.parse(text) as T });
        });
      },
    );
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/**
 * An MSAL network client that trusts the emulator CA, records every request into `log`, and
 * refuses (and records) any request to a host other than 127.0.0.1 / localhost.
 */
export function createTrustingNetworkClient(caPem: string, log: RecordedRequest[] = []): INetworkModule & { log: RecordedRequest[] } {
  const agent = new Agent({ keepAlive: true, ca: caPem });
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const host = new URL(url).hostname;
    if (!LOOPBACK.has(host)) {
      log.push({ method, url, status: null, error: 'refused: not the loopback emulator' });
      throw new Error(`refused to contact ${host}: only the local emulator is allowed`);
    }
    try {
      const res = await emulatorFetch(caPem, url, {
        method,
        headers: options?.headers ?? {},
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        agent,
      });
      log.push({ method, url, status: res.status });
      return { status: res.status, headers: res.headers, body: res.json<T>() };
    } catch (err) {
      log.push({ method, url, status: null, error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  };
  return {
    log,
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}
