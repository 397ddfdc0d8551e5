/** Microsoft Graph conventions: error bodies, 401/403/429, `$top`, skip tokens and next links. */
import type { FaultHit } from '../faults';
import type { Reply, RequestContext } from '../server/http';
import type { AuthDialect } from '../server/context';

/** A Graph error body. */
export function graphError(ctx: RequestContext, status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return {
    status,
    ...(headers ? { headers } : {}),
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': ctx.requestId,
          'client-request-id': String(ctx.headers['client-request-id'] ?? ctx.requestId),
        },
      },
    },
  };
}

/** Graph's answers to bad tokens and missing permissions. */
export const GRAPH_AUTH: AuthDialect = {
  unauthorized: (ctx, message) =>
    graphError(ctx, 401, 'InvalidAuthenticationToken', message, {
      'www-authenticate':
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    }),
  forbidden: (ctx, needed) =>
    graphError(
      ctx,
      403,
      'Authorization_RequestDenied',
      `Insufficient privileges to complete the operation. Requires one of: ${needed.join(', ')}.`,
    ),
};

/** Graph's answer to an injected transport fault. */
export function graphFault(ctx: RequestContext, fault: FaultHit): Reply {
  switch (fault.kind) {
    case 'throttle':
      return graphError(
        ctx,
        429,
        'TooManyRequests',
        'Too many requests. Please retry after the time specified in the Retry-After header.',
        { 'retry-after': String(fault.retryAfterSec) },
      );
    case 'error503':
      return graphError(ctx, 503, 'serviceNotAvailable', 'The service is temporarily unavailable.', {
        'retry-after': String(fault.retryAfterSec),
      });
    case 'unauthorized':
      return GRAPH_AUTH.unauthorized(ctx, 'Lifetime validation failed, the token is expired.', 'expired');
    default:
      return graphError(ctx, 500, 'UnknownError', 'An internal server error occurred. (injected by the emulator)');
  }
}

/** Reads `$top` within 1..max; returns a number or an error reply. */
export function readTop(ctx: RequestContext, fallback: number, max: number): number | Reply {
  const raw = ctx.query.get('$top');
  if (raw === null) return Math.min(fallback, max);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) return graphError(ctx, 400, 'BadRequest', `Invalid value '${raw}' for query parameter $top.`);
  if (n > max)
    return graphError(
      ctx,
      400,
      'BadRequest',
      `The limit of '${max}' for Top query has been exceeded. The value from the incoming request is '${n}'.`,
    );
  return n;
}

/** Encodes a paging cursor as an opaque skip token. */
export function encodeToken(cursor: object): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Decodes a skip token; null when malformed. */
export function decodeToken<T>(token: string | null): T | null {
  if (!token) return null;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

/** The next link of a request: same path and query with `$skiptoken` replaced. */
export function nextLink(origin: string, ctx: RequestContext, skipToken: string): string {
  const parts: string[] = [];
  for (const [k, v] of ctx.query)
    if (k !== '$skiptoken' && k !== '$skip') parts.push(`${encodeURIComponent(k).replace(/%24/g, '$')}=${encodeURIComponent(v)}`);
  parts.push(`$skiptoken=${skipToken}`);
  return `${origin}${ctx.rawPath}?${parts.join('&')}`;
}

/** Applies `$select` (comma list) to an object; `id` is always kept. */
export function select(obj: Record<string, unknown>, ctx: RequestContext): Record<string, unknown> {
  const raw = ctx.query.get('$select');
  if (!raw) return obj;
  const keep = new Set(
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (k === 'id' || keep.has(k)) out[k] = v;
  return out;
}
