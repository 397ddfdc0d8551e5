/** The state the four services share, and the checks every protected call makes. */
import type { FaultInjector, RateLimiter } from '../faults';
import type { IdentityService } from '../identity/identity';
import type { AccessClaims, Resource, TokenService } from '../identity/tokens';
import type { Scenario } from '../scenario/scenario';
import type { AuditQueryOptions, PageSizes } from '../types';
import type { Reply, RequestContext } from './http';
import type { RequestLog } from './request-log';

/** Origins of the four listeners. */
export interface Origins {
  authority: string;
  graph: string;
  manage: string;
  outlook: string;
}

/** Shared state of a running emulator. */
export interface EmulatorContext {
  sc: Scenario;
  tokens: TokenService;
  identity: IdentityService;
  faults: FaultInjector;
  limiter: RateLimiter;
  log: RequestLog;
  origins: Origins;
  pageSize: PageSizes;
  auditQuery: AuditQueryOptions;
  /** Management API subscriptions by content type. */
  mgmtSubscriptions: Map<string, 'enabled' | 'disabled'>;
}

/** What a failed check answers, per service dialect. */
export interface AuthDialect {
  unauthorized(ctx: RequestContext, message: string, reason: string): Reply;
  forbidden(ctx: RequestContext, needed: readonly string[]): Reply;
}

/** The outcome of {@link authorize}. */
export type AuthResult = { ok: true; claims: AccessClaims } | { ok: false; reply: Reply };

/**
 * Checks the bearer token of a request: signature, expiry, revocation, audience = `resource`, and
 * at least one of the permissions in `anyOf` (roles for app tokens, scp for user tokens).
 */
export function authorize(
  emu: EmulatorContext,
  ctx: RequestContext,
  resource: Resource,
  anyOf: readonly string[],
  dialect: AuthDialect,
): AuthResult {
  const header = ctx.headers.authorization;
  const check = emu.tokens.check(Array.isArray(header) ? header[0] : header, resource);
  if (!check.ok) return { ok: false, reply: dialect.unauthorized(ctx, check.message, check.reason) };
  if (anyOf.length > 0 && !anyOf.some((p) => check.permissions.has(p))) return { ok: false, reply: dialect.forbidden(ctx, anyOf) };
  return { ok: true, claims: check.claims };
}
