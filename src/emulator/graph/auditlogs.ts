/**
 * `GET /{v1.0|beta}/auditLogs/signIns` and `/auditLogs/directoryAudits` (reference §5): `$filter`
 * on the time field (ge/le/gt/lt/eq) and the documented properties, `$top` ≤ 1000, newest first,
 * `@odata.nextLink`. v1.0 sign-ins are interactive only and lack the beta properties; beta returns
 * other event types only when `signInEventTypes/any(…)` asks for them.
 */
import type { Reply, RequestContext } from '../server/http';
import { authorize, type EmulatorContext } from '../server/context';
import type { Stub } from '../scenario/plan';
import { toV1 } from '../scenario/records/signins';
import { type FilterError, evaluate, fieldsOf, parseFilter, timeBounds, type Expr } from './odata';
import { GRAPH_AUTH, decodeToken, encodeToken, graphError, nextLink, readTop, select } from './common';
import { pageByHours, type Cursor } from './timeline';

const SIGNIN_FIELDS = new Set(
  [
    'createdDateTime',
    'id',
    'userId',
    'userPrincipalName',
    'userDisplayName',
    'appId',
    'appDisplayName',
    'ipAddress',
    'correlationId',
    'clientAppUsed',
    'conditionalAccessStatus',
    'isInteractive',
    'status/errorCode',
    'location/city',
    'location/state',
    'location/countryOrRegion',
    'deviceDetail/browser',
    'deviceDetail/operatingSystem',
    'resourceId',
    'resourceDisplayName',
    'riskLevelDuringSignIn',
    'riskLevelAggregated',
    'riskState',
  ].map((f) => f.toLowerCase()),
);
const SIGNIN_BETA_FIELDS = new Set([
  'useragent',
  'sessionid',
  'uniquetokenidentifier',
  'authenticationrequirement',
  'signineventtypes/any',
  'serviceprincipalid',
  'authenticationprotocol',
]);

const AUDIT_FIELDS = new Set(
  [
    'activityDateTime',
    'id',
    'activityDisplayName',
    'category',
    'loggedByService',
    'correlationId',
    'result',
    'operationType',
    'initiatedBy/user/id',
    'initiatedBy/user/userPrincipalName',
    'initiatedBy/app/appId',
    'initiatedBy/app/displayName',
    'targetResources/any',
  ].map((f) => f.toLowerCase()),
);

function getter(rec: Record<string, unknown>, stub: Stub, timeField: string): (field: string) => unknown {
  return (field) => {
    if (field.toLowerCase() === timeField.toLowerCase()) return stub.t;
    let v: unknown = rec;
    for (const part of field.split('/')) {
      if (v === null || typeof v !== 'object') return undefined;
      const obj = v as Record<string, unknown>;
      const key = Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
      v = key === undefined ? undefined : obj[key];
    }
    return v;
  };
}

/** Event types a `signInEventTypes/any(...)` clause names (null when the filter has none). */
function eventTypesOf(e: Expr | null): Set<string> | null {
  if (!e) return null;
  let found: Set<string> | null = null;
  const walk = (x: Expr): void => {
    if (x.op === 'and' || x.op === 'or') {
      walk(x.left);
      walk(x.right);
    } else if (x.op === 'not') walk(x.expr);
    else if (x.op === 'any' && x.field.toLowerCase() === 'signineventtypes') {
      found ??= new Set();
      const inner = (y: Expr): void => {
        if (y.op === 'and' || y.op === 'or') {
          inner(y.left);
          inner(y.right);
        } else if (y.op === 'cmp' && typeof y.value === 'string') found!.add(y.value);
      };
      inner(x.expr);
    }
  };
  walk(e);
  return found;
}

/** Users named by top-level `userPrincipalName eq` / `userId eq` clauses (a scan shortcut). */
function usersOf(emu: EmulatorContext, e: Expr | null): Set<number> | null {
  if (!e) return null;
  let set: Set<number> | null = null;
  const walk = (x: Expr): void => {
    if (x.op === 'and') {
      walk(x.left);
      walk(x.right);
      return;
    }
    if (x.op !== 'cmp' || x.cmp !== 'eq' || typeof x.value !== 'string') return;
    const f = x.field.toLowerCase();
    const v = x.value.toLowerCase();
    if (f !== 'userprincipalname' && f !== 'userid') return;
    const all = [emu.sc.tenant.admin, ...emu.sc.tenant.users];
    const hit = all.find((u) => (f === 'userid' ? u.objectId === v : u.upn.toLowerCase() === v));
    set = new Set(hit ? [hit.index] : []);
  };
  walk(e);
  return set;
}

function signInType(stub: Stub, rec: Record<string, unknown>): string {
  if (stub.k === 'si.noninteractive') return 'nonInteractiveUser';
  if (stub.k === 'si.sp') return 'servicePrincipal';
  if (stub.k === 'story') return String((rec.signInEventTypes as string[] | undefined)?.[0] ?? 'interactiveUser');
  return 'interactiveUser';
}

interface Page extends Cursor {
  v: number;
}

function listTimeline(emu: EmulatorContext, ctx: RequestContext, version: string, kind: 'signins' | 'audits'): Reply {
  const auth = authorize(emu, ctx, 'graph', ['AuditLog.Read.All', 'Directory.Read.All'], GRAPH_AUTH);
  if (!auth.ok) return auth.reply;
  const top = readTop(ctx, emu.pageSize.graph, 1000);
  if (typeof top !== 'number') return top;
  const timeField = kind === 'signins' ? 'createdDateTime' : 'activityDateTime';
  let filter: Expr | null = null;
  const raw = ctx.query.get('$filter');
  if (raw) {
    try {
      filter = parseFilter(raw);
    } catch (err) {
      return graphError(ctx, 400, 'BadRequest', `Invalid filter clause: ${(err as FilterError).message}`);
    }
    const allowed = kind === 'signins' ? SIGNIN_FIELDS : AUDIT_FIELDS;
    for (const f of fieldsOf(filter)) {
      const l = f.toLowerCase();
      if (kind === 'signins' && SIGNIN_BETA_FIELDS.has(l)) {
        if (version !== 'beta')
          return graphError(
            ctx,
            400,
            'BadRequest',
            `Invalid filter clause: Could not find a property named '${f.split('/')[0]}' on type 'microsoft.graph.signIn'.`,
          );
        continue;
      }
      if (!allowed.has(l)) return graphError(ctx, 400, 'BadRequest', `Invalid filter clause: filtering on '${f}' is not supported.`);
    }
  }
  const orderRaw = (ctx.query.get('$orderby') ?? `${timeField} desc`).trim().toLowerCase();
  if (!new RegExp(`^${timeField.toLowerCase()}( (asc|desc))?$`).test(orderRaw))
    return graphError(ctx, 400, 'BadRequest', `Sorting is only supported on ${timeField}.`);
  const order: 'asc' | 'desc' = orderRaw.endsWith('desc') ? 'desc' : 'asc';
  const [wlo, whi] = emu.sc.window(kind);
  const [flo, fhi] = timeBounds(filter, timeField);
  const lo = Math.max(wlo, flo);
  const hi = Math.min(whi, fhi);
  const tokenRaw = ctx.query.get('$skiptoken');
  const cursor = decodeToken<Page>(tokenRaw);
  if (tokenRaw && (!cursor || typeof cursor.h !== 'number' || typeof cursor.i !== 'number'))
    return graphError(ctx, 400, 'BadRequest', 'Invalid skip token.');
  const types = kind === 'signins' ? (eventTypesOf(filter) ?? new Set(['interactiveUser'])) : null;
  if (types && version !== 'beta' && (types.size !== 1 || !types.has('interactiveUser'))) {
    return graphError(ctx, 400, 'BadRequest', 'Invalid filter clause: signInEventTypes is only available on the beta endpoint.');
  }
  const users = usersOf(emu, filter);
  const pre = types ? (s: Stub): boolean => s.k === 'story' || types.has(signInType(s, {})) : undefined;
  const page = pageByHours(
    emu.sc,
    kind,
    lo,
    hi,
    users,
    order,
    top,
    cursor,
    (stub, rec) => {
      if (types && !types.has(signInType(stub, rec))) return false;
      return !filter || evaluate(filter, getter(rec, stub, timeField));
    },
    pre,
  );
  const repeat = page.next && emu.faults.event(kind, 'repeatPage');
  const body: Record<string, unknown> = {
    '@odata.context': `${emu.origins.graph}/${version}/$metadata#auditLogs/${kind === 'signins' ? 'signIns' : 'directoryAudits'}`,
    value: page.items.map(({ rec }) => select(kind === 'signins' && version !== 'beta' ? toV1(rec) : rec, ctx)),
  };
  if (page.next) {
    // A repeated page: the next link points back at this very page once more.
    body['@odata.nextLink'] = repeat
      ? `${emu.origins.graph}${ctx.rawPath}${ctx.rawQuery ? `?${ctx.rawQuery}` : ''}`
      : nextLink(emu.origins.graph, ctx, encodeToken({ ...page.next, v: 1 }));
  }
  return { status: 200, body };
}

/** `GET /{v}/auditLogs/signIns` */
export function listSignIns(emu: EmulatorContext, ctx: RequestContext, version: string): Reply {
  return listTimeline(emu, ctx, version, 'signins');
}

/** `GET /{v}/auditLogs/directoryAudits` */
export function listDirectoryAudits(emu: EmulatorContext, ctx: RequestContext, version: string): Reply {
  return listTimeline(emu, ctx, version, 'audits');
}

/** `GET /{v}/auditLogs/signIns/{id}` and `/directoryAudits/{id}` (a scan; fine for tests). */
export function getOne(emu: EmulatorContext, ctx: RequestContext, version: string, kind: 'signins' | 'audits', id: string): Reply {
  const auth = authorize(emu, ctx, 'graph', ['AuditLog.Read.All', 'Directory.Read.All'], GRAPH_AUTH);
  if (!auth.ok) return auth.reply;
  const [lo, hi] = emu.sc.window(kind);
  for (const s of emu.sc.stubs(kind, lo, hi)) {
    const rec = emu.sc.build(s);
    if (rec.id === id) {
      const out = kind === 'signins' && version !== 'beta' ? toV1(rec) : rec;
      return {
        status: 200,
        body: {
          '@odata.context': `${emu.origins.graph}/${version}/$metadata#auditLogs/${kind === 'signins' ? 'signIns' : 'directoryAudits'}/$entity`,
          ...out,
        },
      };
    }
  }
  return graphError(
    ctx,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}
