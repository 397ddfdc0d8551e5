/**
 * The Graph audit log query API (reference §4): `POST /security/auditLog/queries` creates a query
 * (`notStarted`), polling reports `running` then `succeeded` (or stays `running` under the
 * `stuckQuery` fault), `/records` pages the matching UAL records with `@odata.nextLink`. A query
 * returns at most `recordCountLimit` records and says so with `isRecordCountLimitExceeded` (unless
 * the `oversizeWindow` fault hides it), so a collector must split windows.
 */
import { randomUUID } from 'node:crypto';
import type { Reply, RequestContext } from '../server/http';
import { authorize, type EmulatorContext } from '../server/context';
import type { Stub } from '../scenario/plan';
import { RECORD_TYPE_NAMES, bareIp } from '../scenario/records/ual';
import { HOUR, graphSeconds, parseInstant } from '../util/time';
import type { UserSet } from '../scenario/scenario';
import { GRAPH_AUTH, decodeToken, encodeToken, graphError, nextLink, readTop } from './common';

const PERMS = ['AuditLogsQuery.Read.All', 'AuditLogsQuery-Exchange.Read.All', 'AuditLogsQuery-Entra.Read.All'];

interface QueryFilters {
  lo: number;
  hi: number;
  users: UserSet;
  operations: Set<string> | null;
  recordTypes: Set<string> | null;
  services: Set<string> | null;
  ips: Set<string> | null;
  objectIds: Set<string> | null;
  keyword: string | null;
}

interface AuditQuery {
  id: string;
  body: Record<string, unknown>;
  filters: QueryFilters;
  createdAt: number;
  polls: number;
  stuck: boolean;
  silentTruncation: boolean;
  /** Matching records (null while counting). */
  total: number | null;
  status: 'notStarted' | 'running' | 'succeeded' | 'failed';
}

/** The queries of one emulator. */
export class AuditQueryStore {
  readonly queries = new Map<string, AuditQuery>();
}

const lowerSet = (v: unknown): Set<string> | null => {
  if (!Array.isArray(v) || v.length === 0) return null;
  return new Set(v.map((x) => String(x).toLowerCase()));
};

function needsRecord(f: QueryFilters): boolean {
  return Boolean(f.ips || f.objectIds || f.keyword);
}

function stubMatches(f: QueryFilters, s: Stub): boolean {
  if (f.operations && !f.operations.has(String(s.op).toLowerCase())) return false;
  if (f.recordTypes && !f.recordTypes.has((RECORD_TYPE_NAMES[s.rt ?? 0] ?? '').toLowerCase())) return false;
  if (f.services) {
    const workload = s.rt === 8 || s.rt === 15 ? 'azureactivedirectory' : 'exchange';
    if (!f.services.has(workload)) return false;
  }
  return true;
}

function recordMatches(f: QueryFilters, rec: Record<string, unknown>): boolean {
  if (f.ips) {
    const ip = bareIp(String(rec.ClientIP ?? rec.ClientIPAddress ?? '')).toLowerCase();
    if (!f.ips.has(ip)) return false;
  }
  if (f.objectIds && !f.objectIds.has(String(rec.ObjectId ?? '').toLowerCase())) return false;
  if (f.keyword && !JSON.stringify(rec).toLowerCase().includes(f.keyword)) return false;
  return true;
}

/** Adds the OData type annotations Graph puts into `auditData` (live captures show them). */
function annotate(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = annotate(v[i]);
    return out;
  }
  if (v === null || typeof v !== 'object') return v;
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in src) {
    const x = src[k];
    if (typeof x === 'number') {
      if (Number.isInteger(x)) out[`${k}@odata.type`] = '#Int64';
      out[k] = x;
    } else if (x === null || typeof x !== 'object') {
      out[k] = x;
    } else if (Array.isArray(x)) {
      const first = x[0];
      if (first !== null && typeof first === 'object') out[`${k}@odata.type`] = '#Collection(microsoft.graph.security.defaultAuditData)';
      out[k] = annotate(x);
    } else {
      out[k] = annotate(x);
    }
  }
  return out;
}

/** The Graph `auditLogRecord` for a UAL record (envelope as live captures show it). */
export function toAuditLogRecord(ual: Record<string, unknown>): Record<string, unknown> {
  const created = `${String(ual.CreationTime)}Z`;
  const auditData = annotate({ ...ual, CreationTime: created }) as Record<string, unknown>;
  return {
    id: ual.Id,
    createdDateTime: created,
    auditLogRecordType: RECORD_TYPE_NAMES[Number(ual.RecordType)] ?? String(ual.RecordType),
    operation: ual.Operation,
    organizationId: ual.OrganizationId,
    userType: 'Regular',
    userId: ual.UserKey,
    service: ual.Workload,
    objectId: ual.ObjectId ?? null,
    userPrincipalName: ual.UserId,
    clientIp: null,
    administrativeUnits: [''],
    auditData: { '@odata.type': '#microsoft.graph.security.defaultAuditData', ...auditData },
  };
}

function queryView(emu: EmulatorContext, q: AuditQuery, version: string): Record<string, unknown> {
  const limit = emu.auditQuery.recordCountLimit;
  const done = q.status === 'succeeded';
  const total = q.total ?? 0;
  return {
    '@odata.context': `${emu.origins.graph}/${version}/$metadata#security/auditLog/queries/$entity`,
    id: q.id,
    displayName: q.body.displayName ?? null,
    filterStartDateTime: q.body.filterStartDateTime ?? null,
    filterEndDateTime: q.body.filterEndDateTime ?? null,
    recordTypeFilters: q.body.recordTypeFilters ?? [],
    keywordFilter: q.body.keywordFilter ?? null,
    serviceFilter: q.body.serviceFilter ?? null,
    serviceFilters: q.body.serviceFilters ?? [],
    operationFilters: q.body.operationFilters ?? [],
    userPrincipalNameFilters: q.body.userPrincipalNameFilters ?? [],
    ipAddressFilters: q.body.ipAddressFilters ?? [],
    objectIdFilters: q.body.objectIdFilters ?? [],
    administrativeUnitIdFilters: q.body.administrativeUnitIdFilters ?? [],
    status: q.status,
    ...(done
      ? {
          approximateReturnedRecordCount: Math.min(total, limit),
          recordCountLimit: limit,
          isRecordCountLimitExceeded: q.silentTruncation ? false : total > limit,
        }
      : { approximateReturnedRecordCount: null, recordCountLimit: limit, isRecordCountLimitExceeded: null }),
  };
}

/** Counts matching records hour by hour, yielding to the event loop so big windows do not block. */
async function countQuery(emu: EmulatorContext, q: AuditQuery): Promise<void> {
  const f = q.filters;
  let total = 0;
  let last = Date.now();
  for (let h = Math.floor(f.lo / HOUR); h * HOUR < f.hi; h++) {
    for (const s of emu.sc.hour('ual', h, f.users)) {
      if (s.t < f.lo || s.t >= f.hi || !stubMatches(f, s)) continue;
      if (needsRecord(f) && !recordMatches(f, emu.sc.build(s))) continue;
      total++;
    }
    if (Date.now() - last > 25) {
      await new Promise((r) => setImmediate(r));
      last = Date.now();
    }
  }
  q.total = total;
}

/** `POST /{v}/security/auditLog/queries` */
export function createQuery(emu: EmulatorContext, store: AuditQueryStore, ctx: RequestContext, version: string): Reply {
  const auth = authorize(emu, ctx, 'graph', PERMS, GRAPH_AUTH);
  if (!auth.ok) return auth.reply;
  let body: Record<string, unknown>;
  try {
    body = ctx.body.trim() ? (JSON.parse(ctx.body) as Record<string, unknown>) : {};
  } catch {
    return graphError(ctx, 400, 'BadRequest', 'Invalid JSON in the request body.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return graphError(ctx, 400, 'BadRequest', 'The request body must be an auditLogQuery object.');
  const [wlo, whi] = emu.sc.window('ual');
  const start =
    body.filterStartDateTime === undefined || body.filterStartDateTime === null ? wlo : parseInstant(String(body.filterStartDateTime));
  const end = body.filterEndDateTime === undefined || body.filterEndDateTime === null ? whi : parseInstant(String(body.filterEndDateTime));
  if (!Number.isFinite(start) || !Number.isFinite(end))
    return graphError(ctx, 400, 'BadRequest', 'filterStartDateTime and filterEndDateTime must be ISO 8601 date-times.');
  if (end <= start) return graphError(ctx, 400, 'BadRequest', 'filterEndDateTime must be later than filterStartDateTime.');
  const upns =
    Array.isArray(body.userPrincipalNameFilters) && body.userPrincipalNameFilters.length > 0
      ? body.userPrincipalNameFilters.map(String)
      : undefined;
  const services =
    lowerSet(body.serviceFilters) ??
    (typeof body.serviceFilter === 'string' && body.serviceFilter ? new Set([body.serviceFilter.toLowerCase()]) : null);
  const filters: QueryFilters = {
    lo: Math.max(start, wlo),
    hi: Math.min(end, whi),
    users: emu.sc.userSet(upns),
    operations: lowerSet(body.operationFilters),
    recordTypes: lowerSet(body.recordTypeFilters),
    services,
    ips: lowerSet(body.ipAddressFilters),
    objectIds: lowerSet(body.objectIdFilters),
    keyword: typeof body.keywordFilter === 'string' && body.keywordFilter ? body.keywordFilter.toLowerCase() : null,
  };
  const q: AuditQuery = {
    id: randomUUID(),
    body: { ...body, filterStartDateTime: graphSeconds(start), filterEndDateTime: graphSeconds(end) },
    filters,
    createdAt: Date.now(),
    polls: 0,
    stuck: emu.faults.event('ual', 'stuckQuery'),
    silentTruncation: emu.faults.event('ual', 'oversizeWindow'),
    total: null,
    status: 'notStarted',
  };
  store.queries.set(q.id, q);
  void countQuery(emu, q).catch(() => {
    q.status = 'failed';
  });
  return { status: 201, body: queryView(emu, q, version) };
}

/** `GET /{v}/security/auditLog/queries/{id}` */
export function getQuery(emu: EmulatorContext, store: AuditQueryStore, ctx: RequestContext, version: string, id: string): Reply {
  const auth = authorize(emu, ctx, 'graph', PERMS, GRAPH_AUTH);
  if (!auth.ok) return auth.reply;
  const q = store.queries.get(id);
  if (!q) return graphError(ctx, 404, 'NotFound', `The audit log query '${id}' was not found.`);
  q.polls++;
  if (q.status !== 'failed') {
    const ready = !q.stuck && q.total !== null && q.polls > emu.auditQuery.pollsUntilSucceeded;
    q.status = ready ? 'succeeded' : 'running';
  }
  return { status: 200, body: queryView(emu, q, version) };
}

/** `GET /{v}/security/auditLog/queries` */
export function listQueries(emu: EmulatorContext, store: AuditQueryStore, ctx: RequestContext, version: string): Reply {
  const auth = authorize(emu, ctx, 'graph', PERMS, GRAPH_AUTH);
  if (!auth.ok) return auth.reply;
  return {
    status: 200,
    body: {
      '@odata.context': `${emu.origins.graph}/${version}/$metadata#security/auditLog/queries`,
      value: [...store.queries.values()].map((q) => {
        const v = queryView(emu, q, version);
        delete v['@odata.context'];
        return v;
      }),
    },
  };
}

interface RecordsCursor {
  h: number;
  i: number;
  /** Records emitted before this page (for the record limit). */
  e: number;
  q: string;
}

/** `GET /{v}/security/auditLog/queries/{id}/records` */
export function listRecords(emu: EmulatorContext, store: AuditQueryStore, ctx: RequestContext, version: string, id: string): Reply {
  const auth = authorize(emu, ctx, 'graph', PERMS, GRAPH_AUTH);
  if (!auth.ok) return auth.reply;
  const q = store.queries.get(id);
  if (!q) return graphError(ctx, 404, 'NotFound', `The audit log query '${id}' was not found.`);
  if (q.status !== 'succeeded')
    return graphError(ctx, 400, 'BadRequest', `The audit log query is ${q.status}; records are available once it has succeeded.`);
  const top = readTop(ctx, emu.pageSize.auditRecords, 1000);
  if (typeof top !== 'number') return top;
  const tokenRaw = ctx.query.get('$skiptoken');
  const cursor = decodeToken<RecordsCursor>(tokenRaw);
  if (tokenRaw && (!cursor || cursor.q !== q.id)) return graphError(ctx, 400, 'BadRequest', 'Invalid skip token.');
  const f = q.filters;
  const limit = emu.auditQuery.recordCountLimit;
  let emitted = cursor?.e ?? 0;
  const value: Record<string, unknown>[] = [];
  let next: RecordsCursor | null = null;
  const lastHour = Math.floor((f.hi - 1) / HOUR);
  let h = cursor ? cursor.h : Math.floor(f.lo / HOUR);
  let i = cursor ? cursor.i : 0;
  outer: for (; h <= lastHour && f.hi > f.lo; h++, i = 0) {
    const list = emu.sc.hour('ual', h, f.users);
    for (; i < list.length; i++) {
      const s = list[i]!;
      if (s.t < f.lo || s.t >= f.hi || !stubMatches(f, s)) continue;
      const rec = emu.sc.build(s);
      if (needsRecord(f) && !recordMatches(f, rec)) continue;
      if (emitted >= limit) break outer;
      if (value.length === top) {
        next = { h, i, e: emitted, q: q.id };
        break outer;
      }
      value.push(toAuditLogRecord(rec));
      emitted++;
    }
  }
  const body: Record<string, unknown> = {
    '@odata.context': `${emu.origins.graph}/${version}/$metadata#Collection(microsoft.graph.security.auditLogRecord)`,
    value,
  };
  if (next) {
    const repeat = emu.faults.event('ual', 'repeatPage');
    body['@odata.nextLink'] = repeat
      ? `${emu.origins.graph}${ctx.rawPath}${ctx.rawQuery ? `?${ctx.rawQuery}` : ''}`
      : nextLink(emu.origins.graph, ctx, encodeToken(next));
  }
  return { status: 200, body };
}
