/**
 * Outlook REST v2.0 Activities as the 2018 endpoint behaved (reference §1): only with
 * `Prefer: exchange.behavior="ActivityAccess"`; `$filter` on `TimeStamp` (bare ISO, ge/le/gt/lt)
 * and `ActivityIdType` / `AppIdType` (eq, or-ed); `$top` 1..1000; `$skip`; `$select`;
 * `$orderby=TimeStamp asc|desc` (default newest first); 401 with `x-ms-diagnostics`.
 * Without the Prefer header the real service's answer is undocumented: the emulator answers 400
 * with a JSON error (reference §1.9 leaves the choice to us).
 */
import type { Reply, RequestContext, Route, ServiceDialect } from '../server/http';
import { authorize, type AuthDialect, type EmulatorContext } from '../server/context';
import { withOdata } from '../scenario/records/activities';
import type { Stub } from '../scenario/plan';
import { type FilterError, evaluate, fieldsOf, parseFilter, timeBounds, type Expr } from '../graph/odata';

function odataError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, ...(headers ? { headers } : {}), body: { error: { code, message } } };
}

const OUTLOOK_AUTH: AuthDialect = {
  unauthorized: (_ctx, message, reason) =>
    odataError(401, 'InvalidAuthenticationToken', message, {
      'x-ms-diagnostics': `2000008;reason="${reason === 'expired' ? 'The token has expired.' : reason === 'missing' ? 'The access token is missing.' : reason === 'revoked' ? 'The token has been revoked.' : 'The token is invalid.'}";error_category="invalid_token"`,
      'www-authenticate':
        'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", error="invalid_token"',
    }),
  forbidden: () => odataError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
};

const PREFER = /exchange\.behavior\s*=\s*"?[^"]*\bActivityAccess\b/i;
const FIELDS = new Set(['timestamp', 'activityidtype', 'appidtype']);
const SELECTABLE = [
  'TimeStamp',
  'AppIdType',
  'ActivityIdType',
  'ActivityItemId',
  'ActivityCreationTime',
  'ClientSessionId',
  'CustomProperties',
];

interface Cached {
  key: string;
  stubs: Stub[];
}

/** Builds the Outlook dialect. */
export function outlookService(emu: EmulatorContext): ServiceDialect {
  let cache: Cached | null = null;
  const route = (method: string, path: string): Route | null => {
    const m = /^\/api\/(v2\.0|v1\.0)\/Users\('([^']+)'\)\/Activities\/?$/i.exec(path);
    if (!m || method !== 'GET') return null;
    const upn = m[2]!;
    return {
      target: 'activities',
      faultable: true,
      handle: (ctx) => {
        const auth = authorize(emu, ctx, 'outlook', ['Mail.Read', 'Mail.ReadWrite'], OUTLOOK_AUTH);
        if (!auth.ok) return auth.reply;
        if (!PREFER.test(String(ctx.headers.prefer ?? ''))) {
          return odataError(
            400,
            'RequestBroker--ParseUri',
            'Resource not found for the segment \'Activities\'. The Activities entity set is only exposed with the request header Prefer: exchange.behavior="ActivityAccess".',
          );
        }
        const user = emu.sc.tenant.byUpn.get(upn.toLowerCase());
        if (!user) return odataError(404, 'ErrorInvalidUser', `The requested user '${upn}' is invalid.`);
        return list(emu, ctx, user.index, upn, (k, v) => {
          if (cache?.key === k) return cache.stubs;
          const stubs = v();
          cache = { key: k, stubs };
          return stubs;
        });
      },
    };
  };
  return {
    name: 'outlook',
    route,
    notFound: (ctx) =>
      odataError(404, 'ResourceNotFound', `Resource not found for the segment '${ctx.path.split('/').filter(Boolean).pop() ?? ''}'.`),
    faultReply: (ctx, fault) => {
      if (fault.kind === 'throttle')
        return odataError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
          'retry-after': String(fault.retryAfterSec),
        });
      if (fault.kind === 'unauthorized') return OUTLOOK_AUTH.unauthorized(ctx, 'The token has expired.', 'expired');
      if (fault.kind === 'error503')
        return odataError(503, 'ErrorServerBusy', 'The server cannot service this request right now. Try again later.', {
          'retry-after': String(fault.retryAfterSec),
        });
      return odataError(
        500,
        'ErrorInternalServerError',
        'An internal server error occurred. The operation failed. (injected by the emulator)',
      );
    },
    rateLimitReply: (_ctx, wait) =>
      odataError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'retry-after': String(wait) }),
    onRevoke: () => emu.tokens.revokeAll(),
  };
}

function list(emu: EmulatorContext, ctx: RequestContext, u: number, upn: string, memo: (key: string, make: () => Stub[]) => Stub[]): Reply {
  let filter: Expr | null = null;
  const raw = ctx.query.get('$filter');
  if (raw) {
    try {
      filter = parseFilter(raw);
    } catch (err) {
      return odataError(400, 'ErrorInvalidUrlQueryFilter', `The $filter expression is invalid: ${(err as FilterError).message}`);
    }
    for (const f of fieldsOf(filter)) {
      if (!FIELDS.has(f.toLowerCase())) return odataError(400, 'ErrorInvalidProperty', `The property '${f}' does not support filtering.`);
    }
  }
  const topRaw = ctx.query.get('$top');
  const top = topRaw === null ? emu.pageSize.activities : Number(topRaw);
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    return odataError(400, 'ErrorInvalidUrlQuery', `The value '${topRaw}' of $top is invalid: it must be between 1 and 1000.`);
  const skipRaw = ctx.query.get('$skip');
  const skip = skipRaw === null ? 0 : Number(skipRaw);
  if (!Number.isInteger(skip) || skip < 0) return odataError(400, 'ErrorInvalidUrlQuery', `The value '${skipRaw}' of $skip is invalid.`);
  const orderRaw = (ctx.query.get('$orderby') ?? 'TimeStamp desc').trim();
  const om = /^TimeStamp(\s+(asc|desc))?$/i.exec(orderRaw);
  if (!om) return odataError(400, 'ErrorInvalidUrlQuery', `The $orderby '${orderRaw}' is not supported (TimeStamp asc|desc).`);
  const order = (om[2] ?? 'asc').toLowerCase();
  const selectRaw = ctx.query.get('$select');
  const selected = selectRaw ? selectRaw.split(',').map((s) => s.trim()) : null;
  if (selected) {
    for (const s of selected)
      if (!SELECTABLE.includes(s) && s !== 'Id')
        return odataError(
          400,
          'ErrorInvalidProperty',
          `Could not find a property named '${s}' on type 'Microsoft.OutlookServices.Activity'.`,
        );
  }
  const [wlo, whi] = emu.sc.window('activities');
  const [flo, fhi] = timeBounds(filter, 'TimeStamp');
  const lo = Math.max(wlo, flo);
  const hi = Math.min(whi, fhi);
  const key = `${u}|${lo}|${hi}|${raw ?? ''}|${order}`;
  const matching = memo(key, () => {
    const all = emu.sc.userStubs('activities', u, lo, hi);
    const out = filter
      ? all.filter((s) => {
          const rec = emu.sc.build(s);
          return evaluate(filter!, (field) => {
            const l = field.toLowerCase();
            if (l === 'timestamp') return s.t;
            if (l === 'activityidtype') return rec.ActivityIdType;
            if (l === 'appidtype') return rec.AppIdType;
            return undefined;
          });
        })
      : all;
    return order === 'desc' ? out.reverse() : out;
  });
  let start = skip;
  // A repeated page: the rows of the previous page come back (as offset paging over a changing
  // set can do); a careful client notices a page of already-seen ids and asks again.
  if (skip > 0 && emu.faults.event('activities', 'repeatPage')) start = Math.max(0, skip - top);
  const page = matching.slice(start, start + top);
  const noMeta = /odata\.metadata\s*=\s*none/i.test(String(ctx.headers.accept ?? ''));
  const outlook = emu.origins.outlook;
  const value = page.map((s) => {
    let rec = emu.sc.build(s);
    if (selected) {
      const kept: Record<string, unknown> = { Id: rec.Id };
      for (const k of selected) kept[k] = rec[k];
      rec = kept;
    }
    return noMeta ? rec : withOdata(rec, outlook, upn);
  });
  const body: Record<string, unknown> = noMeta
    ? { value }
    : { '@odata.context': `${outlook}/api/v2.0/$metadata#Users('${upn}')/Activities`, value };
  if (skip + top < matching.length) {
    const q = new URLSearchParams(ctx.rawQuery);
    q.set('$skip', String(skip + top));
    body['@odata.nextLink'] = `${outlook}${ctx.rawPath}?${q.toString().replace(/%24/g, '$')}`;
  }
  return { status: 200, body };
}
