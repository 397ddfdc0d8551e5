/**
 * Helpers for tests that drive a running emulator without MSAL: an app-only token by client
 * secret, authenticated requests, and Graph paging that follows `@odata.nextLink` to the end.
 */
import { emulatorFetch, type EmulatorResponse } from './client';
import type { RunningEmulator } from './emulator';

/** A resource of the emulator. */
export type EmulatorResource = 'graph' | 'manage' | 'outlook';

/** Gets an app-only access token for a resource (client credentials with the secret). */
export async function appToken(emu: RunningEmulator, resource: EmulatorResource): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: emu.clientId,
    client_secret: emu.clientSecret,
    scope: `${emu.origins[resource]}/.default`,
  }).toString();
  const res = await emulatorFetch(emu.caPem, `${emu.hosts.authority}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return res.json<{ access_token: string }>().access_token;
}

/** A GET (or other method) with a bearer token. */
export function call(
  emu: RunningEmulator,
  url: string,
  token: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<EmulatorResponse> {
  return emulatorFetch(emu.caPem, url, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
}

/** Follows `@odata.nextLink` from `url` and returns every page's `value` concatenated. */
export async function followGraph<T = Record<string, unknown>>(
  emu: RunningEmulator,
  url: string,
  token: string,
  maxPages = 10_000,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next && pages < maxPages) {
    const res = await call(emu, next, token);
    if (res.status !== 200) throw new Error(`GET ${next}: ${res.status} ${res.text}`);
    const body = res.json<{ value: T[]; '@odata.nextLink'?: string }>();
    items.push(...body.value);
    pages++;
    next = body['@odata.nextLink'];
  }
  return { items, pages };
}
