/**
 * The authority listener: Entra endpoints (`/{tenant}/v2.0/.well-known/openid-configuration`,
 * `/{tenant}/discovery/v2.0/keys`, `/{tenant}/oauth2/v2.0/token|devicecode`, `/devicelogin`) and
 * the emulator's admin endpoints under `/_emulator/` (approve a device code, revoke tokens, change
 * faults, read the request log and the truth) for out-of-process control.
 */
import type { Reply, RequestContext, Route, ServiceDialect } from '../server/http';
import type { EmulatorContext } from '../server/context';
import { resolveFaultProfile } from '../faults';
import type { FaultProfile, SourceName } from '../types';
import { SOURCES } from '../types';
import { aadError } from './identity';

function json(status: number, body: unknown): Reply {
  return { status, body };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function deviceLoginPage(emu: EmulatorContext, message = ''): Reply {
  const pending = emu.identity.pendingCodes();
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Mailtrail emulator sign-in</title></head><body>
<h1>Mailtrail Microsoft 365 emulator</h1><p>Sign in as ${escapeHtml(emu.sc.tenant.admin.upn)} (test tenant ${escapeHtml(emu.sc.tenant.domain)}).</p>
${message ? `<p><strong>${escapeHtml(message)}</strong></p>` : ''}
<form method="post" action="/devicelogin"><label>Code <input name="otc" autofocus></label> <button>Next</button></form>
<p>Pending codes: ${pending.map(escapeHtml).join(', ') || 'none'}</p></body></html>`;
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
}

/** Builds the authority dialect. */
export function authorityService(emu: EmulatorContext): ServiceDialect {
  const route = (method: string, path: string): Route | null => {
    const seg = path.split('/').filter(Boolean);
    if (seg[0] === '_emulator') return adminRoute(emu, method, seg.slice(1));
    if (seg[0] === 'devicelogin' && seg.length === 1) {
      return {
        target: 'other',
        faultable: false,
        handle: (ctx) => {
          if (method === 'POST') {
            const code = new URLSearchParams(ctx.body).get('otc') ?? '';
            const ok = emu.identity.approve(code);
            return deviceLoginPage(emu, ok ? `Code ${ok} approved. You can close this window.` : `Code ${code} is not pending.`);
          }
          return deviceLoginPage(emu);
        },
      };
    }
    if (seg[0] === 'common' && seg[1] === 'discovery' && seg[2] === 'instance') {
      return { target: 'other', faultable: false, handle: () => emu.identity.instanceDiscovery() };
    }
    const tenant = seg[0];
    if (!tenant) return null;
    const rest = seg.slice(1).join('/');
    const known = (ctx: RequestContext): Reply | null =>
      emu.identity.knowsTenant(tenant)
        ? null
        : aadError(
            400,
            'invalid_tenant',
            90002,
            `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
            String(ctx.headers['client-request-id'] ?? ''),
          );
    if (method === 'GET' && (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration')) {
      return { target: 'other', faultable: false, handle: (ctx) => known(ctx) ?? emu.identity.openidConfiguration() };
    }
    if (method === 'GET' && (rest === 'discovery/v2.0/keys' || rest === 'discovery/keys')) {
      return { target: 'other', faultable: false, handle: (ctx) => known(ctx) ?? { status: 200, body: emu.tokens.jwks() } };
    }
    if (method === 'POST' && rest === 'oauth2/v2.0/token') {
      return { target: 'identity', faultable: true, handle: (ctx) => known(ctx) ?? emu.identity.token(ctx, tenant.toLowerCase()) };
    }
    if (method === 'POST' && rest === 'oauth2/v2.0/devicecode') {
      return { target: 'identity', faultable: true, handle: (ctx) => known(ctx) ?? emu.identity.deviceCode(ctx) };
    }
    return null;
  };
  return {
    name: 'authority',
    route,
    notFound: (ctx) => aadError(404, 'invalid_request', 90010, `The endpoint ${ctx.method} ${ctx.path} does not exist.`),
    faultReply: (_ctx, fault) => {
      if (fault.kind === 'throttle') {
        const r = aadError(
          429,
          'temporarily_unavailable',
          50196,
          'The server terminated an operation because it encountered a client request loop.',
        );
        return { ...r, headers: { 'retry-after': String(fault.retryAfterSec) } };
      }
      if (fault.kind === 'error503')
        return {
          ...aadError(503, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'),
          headers: { 'retry-after': String(fault.retryAfterSec) },
        };
      return aadError(500, 'server_error', 90033, 'A transient error has occurred. Please try again. (injected by the emulator)');
    },
    rateLimitReply: (_ctx, wait) => ({
      ...aadError(429, 'temporarily_unavailable', 50196, 'Too many requests.'),
      headers: { 'retry-after': String(wait) },
    }),
    onRevoke: () => emu.tokens.revokeAll(),
  };
}

function adminRoute(emu: EmulatorContext, method: string, seg: string[]): Route | null {
  const path = seg.join('/');
  const r = (handle: Route['handle']): Route => ({ target: 'admin', faultable: false, handle });
  if (method === 'POST' && path === 'devicecode/approve') {
    return r((ctx) => {
      const body = ctx.body.trim() ? (JSON.parse(ctx.body) as { userCode?: string }) : {};
      const code = emu.identity.approve(body.userCode ?? ctx.query.get('user_code') ?? undefined);
      return code ? json(200, { approved: code }) : json(404, { error: { code: 'NotFound', message: 'no pending device code matches' } });
    });
  }
  if (method === 'POST' && path === 'tokens/revoke') {
    return r((ctx) => {
      emu.tokens.revokeAll();
      if (ctx.query.get('refresh') === 'true') emu.identity.revokeRefreshTokens();
      return json(200, { revoked: true });
    });
  }
  if (path === 'faults' && method === 'GET') return r(() => json(200, emu.faults.active));
  if (path === 'faults' && (method === 'PUT' || method === 'POST')) {
    return r((ctx) => {
      try {
        const parsed = JSON.parse(ctx.body) as FaultProfile | { name: string };
        const profile = resolveFaultProfile('rules' in parsed ? parsed : parsed.name);
        emu.faults.reset(profile);
        return json(200, profile);
      } catch (err) {
        return json(400, { error: { code: 'BadRequest', message: err instanceof Error ? err.message : String(err) } });
      }
    });
  }
  if (method === 'GET' && path === 'requests')
    return r(() => json(200, { total: emu.log.total, summary: emu.log.summary(), entries: emu.log.list() }));
  if (method === 'GET' && path === 'truth') return r(() => json(200, emu.sc.truth()));
  if (method === 'GET' && path === 'storyline') return r(() => json(200, emu.sc.storyline));
  if (method === 'GET' && seg[0] === 'truth' && seg[1]) {
    const source = seg[1] as SourceName;
    if (!SOURCES.includes(source)) return null;
    return r(() => json(200, { source, ids: [...emu.sc.truthIds(source)] }));
  }
  return null;
}
