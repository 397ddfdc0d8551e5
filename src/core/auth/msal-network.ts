/**
 * MSAL's `system.networkClient` over our {@link Transport}: every identity request goes through
 * the same host allow-list and observer as the collectors, and trusts the same CA.
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { Transport } from './transport';

function parseJson<T>(body: Buffer, url: string): T {
  const text = body.toString('utf8');
  if (text.trim() === '') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    // MSAL expects parsed JSON for every status; a non-JSON identity answer is a server problem.
    throw new Error(`identity endpoint returned a non-JSON body: ${new URL(url).pathname}`);
  }
}

/** Builds the network module MSAL uses. */
export function msalNetworkClient(transport: Transport, signal?: AbortSignal): INetworkModule {
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> => {
    const res = await transport.request({
      method,
      url,
      headers: options?.headers ?? {},
      ...(options?.body !== undefined ? { body: options.body } : {}),
      ...(timeout ? { timeoutMs: timeout } : {}),
      signal,
    });
    return { status: res.status, headers: res.headers, body: parseJson<T>(res.body, url) };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) => send<T>('GET', url, options, timeout),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}
