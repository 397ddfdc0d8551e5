/**
 * The Office 365 Management Activity API (reference §2): subscriptions start/stop/list, content
 * listing in ≤ 24 h windows no more than 7 days back (filtered on `contentCreated`, paged with the
 * `NextPageUri` header), content blobs (JSON arrays of UAL records, unordered, with by-design
 * duplicates), `PublisherIdentifier`, and throttling as HTTP 403 `AF429`.
 */
import type { Reply, RequestContext, Route, ServiceDialect } from '../server/http';
import { authorize, type AuthDialect, type EmulatorContext } from '../server/context';
import { CONTENT_TYPES, blobCreated, contentId, parseContentId } from '../scenario/mgmt';
import { DAY, HOUR, parseInstant } from '../util/time';

function afError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, ...(headers ? { headers } : {}), body: { error: { code, message } } };
}

const MGMT_AUTH: AuthDialect = {
  unauthorized: (_ctx, message) =>
    afError(401, 'InvalidAuthenticationToken', `Authorization has been denied for this request. ${message}`, {
      'www-authenticate': 'Bearer',
    }),
  forbidden: () =>
    afError(403, 'AF10001', "The permission set () sent in the request does not include the expected permission 'ActivityFeed.Read'."),
};

const NIL_PUBLISHER = '00000000-0000-0000-0000-000000000000';

function throttled(ctx: RequestContext, method: string): Reply {
  const pub = ctx.query.get('PublisherIdentifier') ?? NIL_PUBLISHER;
  return afError(403, 'AF429', `Too many requests. Method=${method}, PublisherId=${pub}`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Parses the API's time formats: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS` (UTC). */
function parseTime(v: string): number {
  const t = v.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t)) return parseInstant(`${t}:00`);
  return parseInstant(t);
}

interface PageToken {
  o: number;
}

/** Builds the Management API dialect. */
export function manageService(emu: EmulatorContext): ServiceDialect {
  const tenantId = emu.sc.tenant.tenantId;
  const route = (method: string, path: string): Route | null => {
    const seg = path.split('/').filter(Boolean);
    if (seg[0] !== 'api' || (seg[1] !== 'v1.0' && seg[1] !== 'v1') || seg[3] !== 'activity' || seg[4] !== 'feed') return null;
    const tenant = seg[2] ?? '';
    const rest = seg.slice(5);
    const guard = (ctx: RequestContext): Reply | null => {
      const auth = authorize(emu, ctx, 'manage', ['ActivityFeed.Read'], MGMT_AUTH);
      if (!auth.ok) return auth.reply;
      if (tenant.toLowerCase() !== tenantId || auth.claims.tid !== tenantId) {
        return afError(
          403,
          'AF20010',
          `The tenant ID passed in the URL (${tenant}) does not match the tenant ID passed in the access token (${auth.claims.tid}).`,
        );
      }
      return null;
    };
    const r = (handle: Route['handle']): Route => ({ target: 'mgmt', faultable: true, handle });
    if (rest[0] === 'subscriptions' && rest.length === 2) {
      const op = rest[1];
      if (op === 'list' && method === 'GET') return r((ctx) => guard(ctx) ?? listSubscriptions(emu));
      if ((op === 'start' || op === 'stop') && method === 'POST') return r((ctx) => guard(ctx) ?? startStop(emu, ctx, op));
      if (op === 'content' && method === 'GET') return r((ctx) => guard(ctx) ?? listContent(emu, ctx, tenant));
      if (op === 'notifications' && method === 'GET') return r((ctx) => guard(ctx) ?? { status: 200, body: [] });
    }
    if (rest[0] === 'audit' && rest.length === 2 && method === 'GET') return r((ctx) => guard(ctx) ?? getBlob(emu, rest[1]!));
    return null;
  };
  return {
    name: 'manage',
    route,
    notFound: (ctx) => afError(404, 'AF20000', `No resource at ${ctx.method} ${ctx.path}.`),
    faultReply: (ctx, fault) => {
      if (fault.kind === 'throttle') return throttled(ctx, ctx.path.includes('/audit/') ? 'GetBlob' : 'ListContent');
      if (fault.kind === 'unauthorized') return MGMT_AUTH.unauthorized(ctx, 'The token is expired.', 'expired');
      if (fault.kind === 'error503')
        return afError(503, 'AF50000', 'An internal error occurred. Retry the request.', { 'retry-after': String(fault.retryAfterSec) });
      return afError(500, 'AF50000', 'An internal error occurred. Retry the request. (injected by the emulator)');
    },
    rateLimitReply: (ctx) => throttled(ctx, ctx.path.includes('/audit/') ? 'GetBlob' : 'ListContent'),
    onRevoke: () => emu.tokens.revokeAll(),
  };
}

function listSubscriptions(emu: EmulatorContext): Reply {
  const out = [...emu.mgmtSubscriptions.entries()].map(([contentType, status]) => ({ contentType, status, webhook: null }));
  return { status: 200, body: out };
}

function startStop(emu: EmulatorContext, ctx: RequestContext, op: 'start' | 'stop'): Reply {
  const ct = ctx.query.get('contentType');
  if (!ct) return afError(400, 'AF20001', 'Missing parameter: contentType.');
  if (!(CONTENT_TYPES as readonly string[]).includes(ct)) return afError(400, 'AF20020', `The content type ${ct} is not valid.`);
  const current = emu.mgmtSubscriptions.get(ct);
  if (op === 'stop') {
    if (current !== 'enabled') return afError(400, 'AF20022', 'No subscription found for the specified content type');
    emu.mgmtSubscriptions.set(ct, 'disabled');
    return { status: 200, body: { contentType: ct, status: 'disabled', webhook: null } };
  }
  if (current === 'enabled') return afError(400, 'AF20024', 'The subscription is already enabled. No property change.');
  emu.mgmtSubscriptions.set(ct, 'enabled');
  return { status: 200, body: { contentType: ct, status: 'enabled', webhook: null } };
}

function listContent(emu: EmulatorContext, ctx: RequestContext, tenant: string): Reply {
  const ct = ctx.query.get('contentType');
  if (!ct) return afError(400, 'AF20001', 'Missing parameter: contentType.');
  if (!(CONTENT_TYPES as readonly string[]).includes(ct)) return afError(400, 'AF20020', `The content type ${ct} is not valid.`);
  if (emu.mgmtSubscriptions.get(ct) !== 'enabled') return afError(400, 'AF20022', 'No subscription found for the specified content type');
  const now = emu.sc.config.now;
  const sRaw = ctx.query.get('startTime');
  const eRaw = ctx.query.get('endTime');
  if ((sRaw === null) !== (eRaw === null))
    return afError(
      400,
      'AF20030',
      'Start time and end time must both be specified (or both omitted) and must be less than or equal to 24 hours apart.',
    );
  const start = sRaw === null ? now - DAY : parseTime(sRaw);
  const end = eRaw === null ? now : parseTime(eRaw);
  if (!Number.isFinite(start) || !Number.isFinite(end))
    return afError(400, 'AF20003', 'The start time or end time is not in a valid format.');
  if (end <= start || end - start > DAY || start < now - 7 * DAY) {
    return afError(
      400,
      'AF20055',
      'Start time and end time must both be specified (or both omitted) and must be less than or equal to 24 hours apart, with the start time no more than 7 days in the past.',
    );
  }
  const blobs = emu.sc.blobsCreated(ct as (typeof CONTENT_TYPES)[number], start, end);
  const pageSize = emu.pageSize.mgmtContent;
  const raw = ctx.query.get('nextPage');
  let offset = 0;
  if (raw !== null) {
    const m = /^emu([0-9a-z]+)x([0-9a-z]+)$/.exec(raw);
    const tok: PageToken | null = m ? { o: parseInt(m[1]!, 36) } : null;
    if (!tok || !m || parseInt(m[2]!, 36) !== (tok.o * 7919 + start / HOUR) % 100_003)
      return afError(400, 'AF20031', 'Invalid nextPage Input: ' + raw);
    offset = tok.o;
  }
  const page = blobs.slice(offset, offset + pageSize);
  const manage = emu.origins.manage;
  const pub = ctx.query.get('PublisherIdentifier');
  const body = page.map(({ key, created }) => {
    const id = contentId(emu.sc.tenant.tenantId, key);
    return {
      contentType: ct,
      contentId: id,
      contentUri: `${manage}/api/v1.0/${tenant}/activity/feed/audit/${id}`,
      contentCreated: iso(created),
      contentExpiration: iso(created + 7 * DAY),
    };
  });
  const headers: Record<string, string> = {};
  if (offset + pageSize < blobs.length) {
    const repeat = emu.faults.event('mgmt', 'repeatPage');
    const nextOffset = repeat ? offset : offset + pageSize;
    const token = `emu${nextOffset.toString(36)}x${((nextOffset * 7919 + start / HOUR) % 100_003).toString(36)}`;
    const q = new URLSearchParams({ contentType: ct, startTime: sRaw ?? iso(start), endTime: eRaw ?? iso(end) });
    if (pub) q.set('PublisherIdentifier', pub);
    q.set('nextPage', token);
    headers.NextPageUri = `${manage}/api/v1/${tenant}/activity/feed/subscriptions/content?${q.toString()}`;
  }
  return { status: 200, headers, body };
}

function getBlob(emu: EmulatorContext, id: string): Reply {
  const key = parseContentId(emu.sc.tenant.tenantId, id);
  if (!key) return afError(400, 'AF20052', `Content ID ${id} in the URL is invalid.`);
  if (emu.mgmtSubscriptions.get(key.contentType) !== 'enabled')
    return afError(400, 'AF20022', 'No subscription found for the specified content type');
  const created = blobCreated(key.hour, key.group);
  if (created >= emu.sc.config.now) return afError(404, 'AF20050', 'The specified content does not exist.');
  if (!emu.sc.blobRetrievable(key))
    return afError(
      400,
      'AF20051',
      `Content requested with the key ${id} has already expired. Content older than 7 days cannot be retrieved.`,
    );
  const stubs = emu.sc.blob(key);
  if (stubs.length === 0) return afError(404, 'AF20050', 'The specified content does not exist.');
  return { status: 200, body: stubs.map((s) => emu.sc.build(s)) };
}
