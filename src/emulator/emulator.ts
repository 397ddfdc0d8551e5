/** Starts and stops a local Microsoft 365 emulator (four HTTPS listeners on 127.0.0.1). */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailtrailError } from '../shared/errors';
import { DEFAULT_RATE_LIMITS, FaultInjector, RateLimiter, resolveFaultProfile } from './faults';
import { graphService } from './graph/service';
import { DEFAULT_APP_PERMISSIONS, IdentityService } from './identity/identity';
import { authorityService } from './identity/service';
import { TokenService, type Resource } from './identity/tokens';
import { manageService } from './manage/service';
import { outlookService } from './outlook/service';
import { loadOrCreatePki } from './pki';
import { CONTENT_TYPES } from './scenario/mgmt';
import { Scenario } from './scenario/scenario';
import type { EmulatorContext, Origins } from './server/context';
import { listen, type Listener } from './server/http';
import { RequestLog } from './server/request-log';
import type {
  AuditQueryOptions,
  Distractor,
  EmulatorOptions,
  FaultProfile,
  FaultTarget,
  PageSizes,
  RateLimit,
  SourceName,
  StorylineStep,
  TruthCounts,
  TruthFilter,
} from './types';

/** A running emulator: what a collector, a test or the demo needs to talk to it. */
export interface RunningEmulator {
  tenantId: string;
  /** The tenant's domain (`*.onmicrosoft.com`). */
  tenantDomain: string;
  /** The app registration collectors authenticate as. */
  clientId: string;
  /** Its client secret (a throwaway test credential, new on every start). */
  clientSecret: string;
  /** The test CA to trust (PEM file and text). */
  caFile: string;
  caPem: string;
  /** The client certificate registered on the app and its PKCS#8 key. */
  certFile: string;
  certPem: string;
  keyFile: string;
  keyPem: string;
  /** Lower-case hex SHA-256 / SHA-1 of the client certificate (MSAL `thumbprintSha256`). */
  certThumbprintSha256: string;
  certThumbprint: string;
  /** `authority` is `https://127.0.0.1:P/<tenantId>`; the others are origins. */
  hosts: { authority: string; graph: string; manage: string; outlook: string };
  /** The four origins (`https://127.0.0.1:P`). */
  origins: Origins;
  /** For MSAL: `knownAuthorities` and the `authorityMetadata` JSON string (reference §8.4). */
  knownAuthorities: string[];
  authorityMetadata: string;
  users: string[];
  /** Scenario range (ISO); `now` is the services' clock for horizons and retention. */
  from: string;
  to: string;
  now: string;
  truth: TruthCounts;
  truthIds(source: SourceName, filter?: TruthFilter): Iterable<string>;
  count(source: SourceName, filter?: TruthFilter): number;
  storyline: StorylineStep[];
  distractors: Distractor[];
  scenario: Scenario;
  requests: RequestLog;
  /** The allowed request rate per target (a benchmark reports achieved / allowed). */
  rateLimits: Readonly<Record<FaultTarget, RateLimit>>;
  setFaults(profile: FaultProfile | string): void;
  /** Approves a pending device code (the latest when none is named); returns the code or null. */
  approveDeviceCode(userCode?: string): string | null;
  /** Invalidates every access token issued so far (and refresh tokens with `refresh: true`). */
  revokeTokens(opts?: { refresh?: boolean }): void;
  stop(): Promise<void>;
}

let sharedPkiDir: string | null = null;

function pkiDir(dataDir: string | undefined): string {
  if (dataDir) return dataDir;
  // One PKI per process is enough for tests: generating RSA keys costs ~0.5 s.
  if (!sharedPkiDir) {
    sharedPkiDir = mkdtempSync(join(tmpdir(), 'mailtrail-emulator-'));
    const dir = sharedPkiDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return sharedPkiDir;
}

function appPermissions(list: string[] | undefined): Record<Resource, string[]> {
  if (!list)
    return {
      graph: [...DEFAULT_APP_PERMISSIONS.graph],
      manage: [...DEFAULT_APP_PERMISSIONS.manage],
      outlook: [...DEFAULT_APP_PERMISSIONS.outlook],
    };
  const out: Record<Resource, string[]> = { graph: [], manage: [], outlook: [] };
  for (const p of list) {
    const m = /^(graph|manage|outlook):(.+)$/.exec(p);
    if (m) out[m[1] as Resource].push(m[2]!);
    else for (const r of ['graph', 'manage', 'outlook'] as const) out[r].push(p);
  }
  return out;
}

/** Starts an emulator. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const sc = new Scenario(opts);
  const profile = resolveFaultProfile(opts.faults);
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65532) throw new MailtrailError('INVALID_INPUT', `port must be 0..65532: ${port}`);
  const tokenLifetimeSec = opts.tokenLifetimeSec ?? 3600;
  if (!(tokenLifetimeSec > 0)) throw new MailtrailError('INVALID_INPUT', 'tokenLifetimeSec must be positive');
  const pki = loadOrCreatePki(pkiDir(opts.dataDir));
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const origins: Origins = { authority: '', graph: '', manage: '', outlook: '' };
  const tokens = new TokenService(signing, () => `${origins.authority}/${sc.tenant.tenantId}/v2.0`, tokenLifetimeSec);
  const clientSecret = `emu~${randomBytes(24).toString('base64url')}`;
  const pageSize: PageSizes = { auditRecords: 1000, graph: 1000, mgmtContent: 200, activities: 10, ...opts.pageSize };
  const auditQuery: AuditQueryOptions = { recordCountLimit: 50_000, pollsUntilSucceeded: 1, ...opts.auditQuery };
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits } as Record<FaultTarget, RateLimit>;
  const log = new RequestLog();
  const faults = new FaultInjector(profile, sc.config.seed);
  const limiter = new RateLimiter(rateLimits);
  const identity = new IdentityService({
    tenant: sc.tenant,
    origin: () => origins.authority,
    resourceOrigins: () => ({ graph: origins.graph, manage: origins.manage, outlook: origins.outlook }),
    clientSecret,
    certPem: pki.certPem,
    certThumbprintSha256: pki.certThumbprintSha256,
    certThumbprintSha1: pki.certThumbprintSha1,
    appPermissions: appPermissions(opts.appPermissions),
    autoApproveAfterPolls: opts.deviceCodeAutoApproveAfterPolls ?? 1,
    intervalSec: opts.deviceCodeIntervalSec ?? 1,
    tokens,
  });
  const subscribed = new Set(opts.mgmtSubscribed ?? CONTENT_TYPES);
  const emu: EmulatorContext = {
    sc,
    tokens,
    identity,
    faults,
    limiter,
    log,
    origins,
    pageSize,
    auditQuery,
    mgmtSubscriptions: new Map(CONTENT_TYPES.filter((c) => subscribed.has(c)).map((c) => [c, 'enabled' as const])),
  };
  const tls = { key: pki.serverKeyPem, cert: `${pki.serverCertPem}${pki.caPem}` };
  const deps = { log, faults, limiter, clockOffsetMs: sc.config.now - Date.now() };
  const listeners: Listener[] = [];
  try {
    const dialects = [authorityService(emu), graphService(emu), manageService(emu), outlookService(emu)];
    for (const [i, d] of dialects.entries()) listeners.push(await listen(d, deps, tls, port === 0 ? 0 : port + i));
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()));
    throw new MailtrailError(
      'INVALID_INPUT',
      `cannot listen on 127.0.0.1${port ? `:${port}..${port + 3}` : ''}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const [a, g, m, o] = listeners as [Listener, Listener, Listener, Listener];
  origins.authority = a.origin;
  origins.graph = g.origin;
  origins.manage = m.origin;
  origins.outlook = o.origin;
  const truth = sc.truth();
  let stopped = false;
  return {
    tenantId: sc.tenant.tenantId,
    tenantDomain: sc.tenant.domain,
    clientId: sc.tenant.app.clientId,
    clientSecret,
    caFile: pki.caFile,
    caPem: pki.caPem,
    certFile: pki.certFile,
    certPem: pki.certPem,
    keyFile: pki.keyFile,
    keyPem: pki.keyPem,
    certThumbprintSha256: pki.certThumbprintSha256,
    certThumbprint: pki.certThumbprintSha1,
    hosts: { authority: `${a.origin}/${sc.tenant.tenantId}`, graph: g.origin, manage: m.origin, outlook: o.origin },
    origins: { ...origins },
    knownAuthorities: [new URL(a.origin).host],
    authorityMetadata: identity.authorityMetadata(),
    users: sc.users,
    from: sc.from,
    to: sc.to,
    now: new Date(sc.config.now).toISOString(),
    truth,
    truthIds: (source, filter) => sc.truthIds(source, filter),
    count: (source, filter) => sc.count(source, filter),
    storyline: sc.storyline,
    distractors: sc.distractors,
    scenario: sc,
    requests: log,
    rateLimits,
    setFaults: (p) => faults.reset(resolveFaultProfile(p)),
    approveDeviceCode: (code) => identity.approve(code),
    revokeTokens: (o2) => {
      tokens.revokeAll();
      if (o2?.refresh) identity.revokeRefreshTokens();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await Promise.all(listeners.map((l) => l.close()));
    },
  };
}
