/**
 * Who may talk to the loopback host: only a page served by this host, on 127.0.0.1 (or localhost)
 * at our port, holding the random token. The Host check defeats DNS rebinding (a rebinding page
 * sends its own name as Host), the Origin and Fetch-Metadata checks refuse cross-site requests, and
 * the token (a custom header, so a cross-origin page cannot send it without a preflight we never
 * grant) is required on every API call.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The header carrying the token on API calls. */
export const TOKEN_HEADER = 'x-mailtrail-token';

/** A fresh random token (256 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a presented token with ours. */
export function tokenMatches(expected: string, presented: string | string[] | null | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Host names a browser on this machine uses for us. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'];

/** Why a request is refused, or null when it may proceed. */
export function refuseRequest(headers: IncomingHttpHeaders, port: number): string | null {
  const host = headers.host;
  if (!host || !LOOPBACK_NAMES.some((n) => host === `${n}:${port}`)) return `unexpected Host header: ${String(host).slice(0, 100)}`;
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return `cross-origin request refused: ${String(origin).slice(0, 100)}`;
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `cross-site request refused (${String(site)})`;
  return null;
}
