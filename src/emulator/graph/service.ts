/** The Microsoft Graph listener: routes `/v1.0/…` and `/beta/…` to the source handlers. */
import type { Route, ServiceDialect } from '../server/http';
import type { EmulatorContext } from '../server/context';
import { AuditQueryStore, createQuery, getQuery, listQueries, listRecords } from './audit-queries';
import { getOne, listDirectoryAudits, listSignIns } from './auditlogs';
import { graphError, graphFault } from './common';
import { mailboxRoute } from './mailbox';

/** Builds the Graph dialect for an emulator. */
export function graphService(emu: EmulatorContext): ServiceDialect {
  const store = new AuditQueryStore();
  const route = (method: string, path: string): Route | null => {
    const seg = path.split('/').filter(Boolean);
    const version = seg[0];
    if (version !== 'v1.0' && version !== 'beta') return null;
    const rest = seg.slice(1);
    const [a, b, c, d, e] = rest;
    if (a === 'security' && b === 'auditLog' && c === 'queries') {
      return {
        target: 'ual',
        faultable: true,
        handle: (ctx) => {
          if (d === undefined && method === 'POST') return createQuery(emu, store, ctx, version);
          if (d === undefined && method === 'GET') return listQueries(emu, store, ctx, version);
          if (d !== undefined && e === undefined && method === 'GET') return getQuery(emu, store, ctx, version, d);
          if (d !== undefined && e === 'records' && method === 'GET' && rest.length === 5) return listRecords(emu, store, ctx, version, d);
          return graphError(ctx, 405, 'Request_BadRequest', `${method} is not supported on this resource.`);
        },
      };
    }
    if (a === 'auditLogs' && (b === 'signIns' || b === 'directoryAudits') && method === 'GET' && rest.length <= 3) {
      const kind = b === 'signIns' ? 'signins' : 'audits';
      return {
        target: kind,
        faultable: true,
        handle: (ctx) => {
          if (c !== undefined) return getOne(emu, ctx, version, kind, c);
          return kind === 'signins' ? listSignIns(emu, ctx, version) : listDirectoryAudits(emu, ctx, version);
        },
      };
    }
    if ((a === 'users' || a === 'oauth2PermissionGrants' || a === 'servicePrincipals') && method === 'GET') {
      return {
        target: 'mailbox',
        faultable: true,
        handle: (ctx) =>
          mailboxRoute(emu, ctx, version, rest) ??
          graphError(ctx, 400, 'BadRequest', `Resource not found for the segment '${rest[rest.length - 1] ?? ''}'.`),
      };
    }
    return null;
  };
  return {
    name: 'graph',
    route,
    notFound: (ctx) =>
      graphError(ctx, 400, 'BadRequest', `Resource not found for the segment '${ctx.path.split('/').filter(Boolean).pop() ?? ''}'.`),
    faultReply: (ctx, fault) => graphFault(ctx, fault),
    rateLimitReply: (ctx, wait) =>
      graphError(ctx, 429, 'TooManyRequests', 'Too many requests. Please retry after the time specified in the Retry-After header.', {
        'retry-after': String(wait),
      }),
    onRevoke: () => emu.tokens.revokeAll(),
  };
}
