/**
 * Online collection from Microsoft 365: `collect(session, request, hooks)` runs (or resumes) a
 * collection into an open case. Every response is stored verbatim as evidence before it is parsed
 * by the import pipeline; every page is checkpointed; gaps the service imposes are recorded and
 * journaled; the run and each source's summary are journaled.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { MailtrailError } from '../../shared/errors';
import {
  COLLECT_SOURCES,
  type Cloud,
  type CloudHosts,
  type CollectProgress,
  type CollectResult,
  type CollectSource,
  type SourceSummary,
} from '../../shared/model/collection';
import type { EvidenceOrigin } from '../../shared/model/evidence';
import { resolveHosts } from '../auth/clouds';
import { createTokenProvider, type AuthConfig, type TokenProvider } from '../auth/token-provider';
import { createTransport, type RequestRecord, type Transport } from '../auth/transport';
import type { CaseSession } from '../case/case-file';
import { indexPendingEvents } from '../store/events-repo';
import {
  insertPage,
  insertRun,
  latestUnfinishedRun,
  listCollectionGaps,
  recoveredTotals,
  runParams,
  setRunState,
  taskTotals,
  tasksOf,
  throttledMailAccess,
  unrecordedResponses,
  upgradedTotal,
  updateRunParams,
  updateTask,
  type RunParams,
  type TaskRow,
} from '../store/collect-repo';
import { ApiClient, sleep } from './api-client';
import { activitiesCollector } from './activities';
import { auditsCollector } from './audits';
import { RunContext, SourceContext } from './context';
import { ingestResponse, type IngestFn } from './ingest-port';
import { mailboxCollector } from './mailbox';
import { mgmtCollector } from './mgmt';
import { signinsCollector } from './signins';
import { ServiceRefusal, type SourceCollector } from './source';
import { tuningWith, type CollectTuning } from './tuning';
import { ualCollector } from './ual';
import { isoZ } from './windows';

export type { CollectTuning } from './tuning';
export type { AuthConfig, DeviceCodeInfo } from '../auth/token-provider';
export { DEFAULT_TUNING } from './tuning';

/** The collectors, by source. */
export const COLLECTORS: Readonly<Record<CollectSource, SourceCollector>> = {
  ual: ualCollector,
  mgmt: mgmtCollector,
  signins: signinsCollector,
  audits: auditsCollector,
  mailbox: mailboxCollector,
  activities: activitiesCollector,
};

/** What to collect. */
export interface CollectRequest {
  tenant: string;
  clientId: string;
  auth: AuthConfig;
  /** Required for a new run; a resume takes them from the run (giving different ones is an error). */
  sources?: CollectSource[] | undefined;
  users?: string[] | undefined;
  fromUs?: number | undefined;
  toUs?: number | undefined;
  cloud?: Cloud | undefined;
  /** Per-service host overrides (the local emulator). */
  hosts?: Partial<CloudHosts> | undefined;
  /** Extra CA certificate(s), PEM. */
  caPem?: string | undefined;
  /** Continue the most recent unfinished run. */
  resume?: boolean | undefined;
  tuning?: Partial<CollectTuning> | undefined;
}

/** Observers and injection points. */
export interface CollectHooks {
  signal?: AbortSignal | undefined;
  jobId?: string | undefined;
  onProgress?: ((p: CollectProgress) => void) | undefined;
  /** Sees every HTTP request (MSAL's and the collectors'). */
  onRequest?: ((r: RequestRecord) => void) | undefined;
  /** The import pipeline (tests may substitute it). */
  ingest?: IngestFn | undefined;
  /** Replaces the token provider (tests). */
  tokens?: TokenProvider | undefined;
  /** Replaces the HTTPS transport (tests; `onRequest` then sees nothing). */
  transport?: Transport | undefined;
}

/** Tuning fields that only affect how fast a run goes, so a resume may change them. */
const RUNTIME_TUNING: readonly (keyof CollectTuning)[] = [
  'concurrency',
  'tasksPerSource',
  'taskAttempts',
  'maxAttempts',
  'baseDelayMs',
  'maxDelayMs',
  'requestTimeoutMs',
  'nowMs',
  'groupCommitMs',
  'ualPollIntervalMs',
  'ualPollMaxIntervalMs',
  'ualQueryTimeoutMs',
  'ualQueryAttempts',
];

const NEEDS_USERS: readonly CollectSource[] = ['mailbox', 'activities'];

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
}

/** Validates a new run's request and turns it into stored parameters. */
function newRunParams(req: CollectRequest, hosts: CloudHosts, tuning: CollectTuning): RunParams {
  const sources = [...new Set(req.sources ?? [])];
  if (sources.length === 0) throw new MailtrailError('USAGE', `no sources given (choose from ${COLLECT_SOURCES.join(', ')})`);
  for (const s of sources) if (!COLLECT_SOURCES.includes(s)) throw new MailtrailError('USAGE', `unknown source: ${s}`);
  if (req.fromUs === undefined || req.toUs === undefined) throw new MailtrailError('USAGE', 'a collection needs --from and --to');
  if (!(req.fromUs < req.toUs)) throw new MailtrailError('USAGE', `--from must be before --to`);
  const users = [...new Set((req.users ?? []).map((u) => u.trim().toLowerCase()).filter(Boolean))];
  for (const u of users) if (!/^[^\s@]+@[^\s@]+$/.test(u)) throw new MailtrailError('USAGE', `not a user principal name: ${u}`);
  const needing = sources.filter((s) => NEEDS_USERS.includes(s));
  if (needing.length > 0 && users.length === 0) {
    throw new MailtrailError('USAGE', `${needing.join(' and ')} collect per mailbox: give the mailboxes with --users`);
  }
  return {
    tenant: req.tenant,
    clientId: req.clientId,
    cloud: req.cloud ?? 'global',
    hosts,
    authMode: req.auth.mode,
    sources,
    users,
    fromUs: req.fromUs,
    toUs: req.toUs,
    options: { ...tuning },
  };
}

/** Checks that a resume request does not ask for something else than the run it continues. */
function assertResumable(stored: RunParams, req: CollectRequest): void {
  const clash = (what: string, given: string, was: string) =>
    new MailtrailError(
      'USAGE',
      `--resume continues the unfinished run (${what} ${was}); ${what} ${given} differs: omit it or repeat the same value`,
    );
  if (stored.tenant !== req.tenant) throw clash('tenant', req.tenant, stored.tenant);
  if (stored.clientId !== req.clientId) throw clash('client id', req.clientId, stored.clientId);
  if (req.sources && req.sources.length > 0 && !sameList(stored.sources, req.sources))
    throw clash('sources', req.sources.join(','), stored.sources.join(','));
  if (
    req.users &&
    req.users.length > 0 &&
    !sameList(
      stored.users,
      req.users.map((u) => u.toLowerCase()),
    )
  ) {
    throw clash('users', req.users.join(','), stored.users.join(','));
  }
  if (req.fromUs !== undefined && req.fromUs !== stored.fromUs) throw clash('--from', isoZ(req.fromUs / 1000), isoZ(stored.fromUs / 1000));
  if (req.toUs !== undefined && req.toUs !== stored.toUs) throw clash('--to', isoZ(req.toUs / 1000), isoZ(stored.toUs / 1000));
}

/** Chooses the import format of a stored response from its source and URL (for recovered pages). */
export function formatOfResponse(origin: Extract<EvidenceOrigin, { type: 'http' }>): { format: string | null; mailbox?: string } {
  const path = origin.url;
  switch (origin.source) {
    case 'ual':
      return { format: /\/records$/.test(path) ? 'graph-audit-records' : null };
    case 'mgmt':
      return { format: /\/activity\/feed\/subscriptions\//.test(path) ? null : 'ual-json' };
    case 'signins':
      return { format: 'graph-signins' };
    case 'audits':
      return { format: 'graph-directory-audits' };
    case 'activities': {
      const m = /Users\('(.+)'\)\/Activities$/.exec(path);
      return m ? { format: 'activities-json', mailbox: decodeURIComponent(m[1]!).replace(/''/g, "'") } : { format: null };
    }
    case 'mailbox': {
      const m = /\/users\/([^/]+)\/(mailFolders\/inbox\/messageRules|mailboxSettings)$/.exec(path);
      if (m)
        return {
          format: m[2] === 'mailboxSettings' ? 'graph-mailbox-settings' : 'graph-message-rules',
          mailbox: decodeURIComponent(m[1]!),
        };
      if (/\/oauth2PermissionGrants$/.test(path)) return { format: 'graph-oauth2-grants' };
      return { format: null };
    }
    default:
      return { format: null };
  }
}

/** Runs one source's tasks with bounded parallelism until none is pending. */
async function runSource(ctx: SourceContext, collector: SourceCollector, abort: AbortController): Promise<void> {
  await collector.plan(ctx);
  ctx.progress(true);
  const active = new Map<number, Promise<void>>();
  const notBefore = new Map<number, number>();
  const limit = Math.max(1, ctx.tuning.tasksPerSource);
  let fatal: unknown = null;

  const work = async (task: TaskRow): Promise<void> => {
    try {
      await collector.run(ctx, task);
      if (task.state === 'pending') ctx.checkpoint(task, { state: 'done' });
    } catch (err) {
      if (err instanceof ServiceRefusal) {
        ctx.checkpoint(task, {
          state: 'gap',
          error: err.message,
          gap: {
            kind: err.kind,
            fromUs: task.from_us,
            toUs: task.to_us,
            target: task.target ?? task.key,
            detail: err.message,
            evidenceId: err.evidenceId,
          },
        });
        return;
      }
      if (err instanceof MailtrailError && (err.code === 'CANCELLED' || err.code === 'AUTH' || err.code === 'INTERNAL')) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const attempts = task.attempts + 1;
      updateTask(ctx.session.db, task.id, {
        addAttempts: 1,
        error: message,
        ...(attempts >= ctx.tuning.taskAttempts ? { state: 'failed' as const } : {}),
        nowUs: ctx.run.clock(),
      });
      notBefore.set(task.id, Date.now() + Math.min(ctx.tuning.maxDelayMs, ctx.tuning.baseDelayMs * 2 ** attempts));
    }
  };

  for (;;) {
    if (fatal) break;
    if (ctx.signal.aborted) throw new MailtrailError('CANCELLED', 'collection cancelled');
    const now = Date.now();
    const pending = ctx.tasks(['pending']).filter((t) => !active.has(t.id));
    const ready = pending.filter((t) => (notBefore.get(t.id) ?? 0) <= now);
    for (const task of ready) {
      if (active.size >= limit) break;
      const p = work(task)
        .catch((err: unknown) => {
          fatal ??= err;
          abort.abort();
        })
        .finally(() => active.delete(task.id));
      active.set(task.id, p);
    }
    if (active.size === 0) {
      if (pending.length === 0) break;
      const wakeAt = Math.min(...pending.map((t) => notBefore.get(t.id) ?? now));
      await sleep(Math.max(10, wakeAt - now), ctx.signal);
      continue;
    }
    await Promise.race(active.values());
  }
  await Promise.allSettled(active.values());
  if (fatal) throw fatal;
  ctx.progress(true);
}

/** Records an `incomplete` gap for every task that exhausted its attempts. */
function recordFailures(ctx: SourceContext): void {
  for (const t of ctx.tasks(['failed'])) {
    ctx.gap({
      kind: 'incomplete',
      fromUs: t.from_us,
      toUs: t.to_us,
      target: t.target ?? t.key,
      taskId: t.id,
      detail: `could not complete ${t.kind} ${t.target ?? t.key}${t.from_us !== null && t.to_us !== null ? ` ${isoZ(t.from_us / 1000)}..${isoZ(t.to_us / 1000)}` : ''} after ${t.attempts} attempts: ${t.error ?? 'unknown error'} (mailtrail collect --resume retries it)`,
    });
  }
}

/** MailItemsAccessed `IsThrottled=True` records start a 24 h Bind-auditing blind spot per mailbox. */
function recordThrottling(ctx: SourceContext): void {
  const seen = new Set<string>();
  for (const r of throttledMailAccess(ctx.session.db, ctx.run.runId)) {
    const mailbox = r.mailbox ?? 'unknown mailbox';
    const day = `${mailbox}:${Math.floor(r.tsUs / 86_400_000_000)}`;
    if (seen.has(day)) continue;
    seen.add(day);
    ctx.gap({
      kind: 'throttled',
      fromUs: r.tsUs,
      toUs: r.tsUs + 86_400_000_000,
      target: mailbox,
      evidenceId: r.evidenceId,
      detail: `MailItemsAccessed auditing of ${mailbox} was throttled (IsThrottled=True) at ${isoZ(r.tsUs / 1000)}: Bind access is not audited for the following 24 hours; treat every item in the mailbox as possibly accessed`,
    });
  }
}

/** Parses stored responses a killed run never recorded as pages (so nothing stays unparsed). */
async function recoverUnrecorded(run: RunContext, sources: readonly CollectSource[]): Promise<number> {
  let recovered = 0;
  for (const row of unrecordedResponses(run.session.db)) {
    const origin = JSON.parse(row.origin) as EvidenceOrigin;
    if (origin.type !== 'http' || !origin.source || !sources.includes(origin.source as CollectSource)) continue;
    const source = origin.source as CollectSource;
    const ok = origin.status >= 200 && origin.status < 300;
    const { format, mailbox } = ok ? formatOfResponse(origin) : { format: null };
    const counts = format
      ? await run.ingest(run.session, row.id, { format, mailbox, signal: run.signal })
      : { read: 0, imported: 0, duplicates: 0, quarantined: 0, upgraded: 0 };
    run.session.db
      .transaction(() =>
        insertPage(run.session.db, {
          runId: run.runId,
          taskId: null,
          source,
          evidenceId: row.id,
          status: origin.status,
          format,
          received: counts.read,
          imported: counts.imported,
          duplicates: counts.duplicates,
          quarantined: counts.quarantined,
          upgraded: counts.upgraded,
          requestedAtUs: origin.requestedAtUs,
        }),
      )
      .immediate();
    recovered++;
  }
  return recovered;
}

/** Builds a source's summary from its tasks, request counters and open gaps. */
function summarize(
  run: RunContext,
  source: CollectSource,
  previous: SourceSummary | undefined,
  recovered: { received: number; imported: number; duplicates: number; quarantined: number; pages: number },
): SourceSummary {
  const t = taskTotals(run.session.db, run.runId, source, COLLECTORS[source].windowKinds);
  const s = run.api.statsOf(source);
  const upgraded = upgradedTotal(run.session.db, run.runId, source);
  return {
    state: t.pending === 0 && t.failed === 0 ? 'completed' : 'incomplete',
    windows: t.windows,
    declared: t.declared,
    received: t.received + recovered.received,
    imported: t.imported + recovered.imported,
    duplicates: t.duplicates + recovered.duplicates,
    quarantined: t.quarantined + recovered.quarantined,
    ...(upgraded > 0 ? { upgraded } : {}),
    pages: t.pages + recovered.pages,
    requests: s.requests + (previous?.requests ?? 0),
    retries: s.retries + (previous?.retries ?? 0),
    throttled: s.throttled + (previous?.throttled ?? 0),
    gaps: listCollectionGaps(run.session.db, { runId: run.runId, source }),
  };
}

/**
 * Collects (or, with `resume`, continues collecting) into an open case.
 * @returns the run's per-source summary; a cancelled run returns with state `cancelled`
 *   (resumable). Authentication failures and internal errors mark the run `failed` and throw.
 */
export async function collect(session: CaseSession, request: CollectRequest, hooks: CollectHooks = {}): Promise<CollectResult> {
  if (session.readOnly) throw new MailtrailError('UNSUPPORTED', 'cannot collect into a case opened read-only');
  const hosts = resolveHosts(request.cloud ?? 'global', request.hosts ?? {});
  const clock = session.clock;

  let runId: string;
  let params: RunParams;
  let tuning: CollectTuning;
  let previousSummary: Partial<Record<CollectSource, SourceSummary>> = {};
  const resumed = request.resume === true;
  if (resumed) {
    const row = latestUnfinishedRun(session.db);
    if (!row) throw new MailtrailError('NOT_FOUND', 'nothing to resume: this case has no unfinished collection');
    const stored = runParams(row);
    assertResumable(stored, request);
    runId = row.id;
    const runtime = Object.fromEntries(
      Object.entries(request.tuning ?? {}).filter(([k, v]) => v !== undefined && RUNTIME_TUNING.includes(k as keyof CollectTuning)),
    );
    tuning = tuningWith({ ...(stored.options as Partial<CollectTuning>), ...runtime });
    params = { ...stored, hosts, cloud: request.cloud ?? stored.cloud, authMode: request.auth.mode, options: { ...tuning } };
    previousSummary = row.summary ? (JSON.parse(row.summary) as typeof previousSummary) : {};
  } else {
    runId = randomUUID();
    tuning = tuningWith(request.tuning);
    params = newRunParams(request, hosts, tuning);
  }

  const transport: Transport =
    hooks.transport ??
    createTransport({
      allowedOrigins: [hosts.authority, hosts.graph, hosts.manage, hosts.outlook],
      caPem: request.caPem,
      maxSockets: Math.max(4, tuning.concurrency * 2),
      onRequest: hooks.onRequest,
    });
  const abort = new AbortController();
  // Every waiting request and backoff listens to this signal: many at once is normal here.
  setMaxListeners(0, abort.signal);
  const onOuterAbort = () => abort.abort();
  hooks.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (hooks.signal?.aborted) abort.abort();

  const journalParams = {
    run_id: runId,
    tenant: params.tenant,
    client_id: params.clientId,
    cloud: params.cloud,
    hosts: params.hosts,
    auth: params.authMode,
    sources: params.sources,
    users: params.users,
    from: isoZ(params.fromUs / 1000),
    to: isoZ(params.toUs / 1000),
  };
  session.db
    .transaction(() => {
      if (resumed) {
        setRunState(session.db, runId, 'running');
        // Hosts may differ on a resume (a new emulator port, another proxyless route): keep what is used.
        updateRunParams(session.db, runId, params);
        session.journal.append('collect.resume', journalParams);
      } else {
        insertRun(session.db, runId, clock(), params);
        session.journal.append('collect.start', { ...journalParams, options: params.options });
      }
    })
    .immediate();

  let state: CollectResult['state'] = 'running';
  let error: unknown = null;
  const warnings: string[] = [];
  const recoveredBySource = new Map<
    CollectSource,
    { received: number; imported: number; duplicates: number; quarantined: number; pages: number }
  >();
  let run: RunContext | null = null;
  try {
    const tokens =
      hooks.tokens ??
      createTokenProvider({
        tenant: params.tenant,
        clientId: params.clientId,
        hosts,
        cloud: params.cloud,
        auth: request.auth,
        transport,
        signal: abort.signal,
      });
    warnings.push(...tokens.warnings);
    const api = new ApiClient({
      transport,
      tokens,
      concurrency: tuning.concurrency,
      retry: { maxAttempts: tuning.maxAttempts, baseDelayMs: tuning.baseDelayMs, maxDelayMs: tuning.maxDelayMs },
      signal: abort.signal,
      clock,
    });
    run = new RunContext(
      session,
      runId,
      params,
      api,
      tuning,
      hooks.ingest ?? ingestResponse,
      abort.signal,
      clock,
      hooks.onProgress ?? (() => undefined),
      hooks.jobId ?? runId,
    );
    const r = run;
    if (resumed) {
      await recoverUnrecorded(r, params.sources);
      for (const source of params.sources) {
        // Failed windows get a fresh set of attempts; a completed retry resolves their gap.
        for (const t of tasksOf(session.db, runId, source, ['failed'])) {
          updateTask(session.db, t.id, { state: 'pending', addAttempts: -t.attempts, nowUs: clock() });
        }
      }
    }
    const contexts = new Map(params.sources.map((s) => [s, new SourceContext(r, s)] as const));
    // Sources run side by side; the API client bounds the requests in flight across all of them.
    const results = await Promise.allSettled(params.sources.map((s) => runSource(contexts.get(s)!, COLLECTORS[s], abort)));
    const failure = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failure) throw failure.reason;
    for (const source of params.sources) {
      const ctx = contexts.get(source)!;
      await COLLECTORS[source].finish?.(ctx);
      recordFailures(ctx);
      if (source === 'ual' || source === 'mgmt') recordThrottling(ctx);
    }
    const incomplete = params.sources.some((s) => {
      const t = taskTotals(session.db, runId, s);
      return t.pending > 0 || t.failed > 0;
    });
    state = incomplete ? 'incomplete' : 'completed';
  } catch (err) {
    error = err;
    state = err instanceof MailtrailError && err.code === 'CANCELLED' ? 'cancelled' : 'failed';
  } finally {
    hooks.signal?.removeEventListener('abort', onOuterAbort);
    transport.close();
    run?.group.close();
  }

  // Pages were parsed with the full-text index deferred: build it once for everything collected.
  indexPendingEvents(session.db);
  for (const s of params.sources) recoveredBySource.set(s, recoveredTotals(session.db, runId, s));
  const sources: Partial<Record<CollectSource, SourceSummary>> = {};
  if (run) for (const s of params.sources) sources[s] = summarize(run, s, previousSummary[s], recoveredBySource.get(s)!);
  const errorText = error ? (error instanceof Error ? error.message : String(error)) : null;
  session.db
    .transaction(() => {
      for (const [source, sum] of Object.entries(sources)) {
        session.journal.append('collect.source', {
          run_id: runId,
          source,
          state: sum.state,
          windows: sum.windows,
          declared: sum.declared,
          received: sum.received,
          imported: sum.imported,
          duplicates: sum.duplicates,
          quarantined: sum.quarantined,
          ...(sum.upgraded !== undefined ? { upgraded: sum.upgraded } : {}),
          pages: sum.pages,
          requests: sum.requests,
          retries: sum.retries,
          throttled: sum.throttled,
          gaps: sum.gaps.map((g) => ({ kind: g.kind, target: g.target, from_us: g.fromUs, to_us: g.toUs })),
        });
      }
      setRunState(session.db, runId, state, { finishedAtUs: clock(), summary: sources, error: errorText });
      session.journal.append('collect.finish', { run_id: runId, state, error: errorText, warnings });
    })
    .immediate();
  if (state === 'failed') throw error;
  return { runId, state, resumed, sources, warnings };
}

/** The runs of a case and their gaps, re-exported for the UI and the report. */
export { listCollectionRuns, listCollectionGaps, collectedRecordKeys } from '../store/collect-repo';
