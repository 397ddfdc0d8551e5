/**
 * What a source collector works with: API calls, storing a response as evidence before parsing it,
 * checkpointing (page record, cursor, counters, new tasks and gaps in one transaction), gaps and
 * progress. One {@link RunContext} per run, one {@link SourceContext} per source.
 */
import type { CollectProgress, CollectSource, CloudHosts, GapKind } from '../../shared/model/collection';
import type { EvidenceOrigin } from '../../shared/model/evidence';
import type { CaseSession } from '../case/case-file';
import type { Clock } from '../clock';
import {
  gapExists,
  insertGap,
  insertPage,
  insertTask,
  openIncompleteGapsOfTask,
  resolveGap,
  taskById,
  taskProgress,
  tasksOf,
  updateTask,
  type NewTask,
  type RunParams,
  type TaskRow,
  type TaskState,
} from '../store/collect-repo';
import type { ApiClient, ApiRequest, ApiResponse } from './api-client';
import type { IngestCounts, IngestFn } from './ingest-port';
import { ServiceRefusal } from './source';
import type { CollectTuning } from './tuning';
import { serviceError } from './windows';

/** Response headers kept with the evidence: paging, throttling and request ids (never auth). */
const KEPT_HEADERS = [
  'content-type',
  'date',
  'request-id',
  'client-request-id',
  'x-ms-request-id',
  'x-ms-diagnostics',
  'retry-after',
  'nextpageuri',
  'location',
  'odata-version',
];

/** The evidence origin of a response: URL without query, the query as sent, status, request time. */
export function originOf(res: ApiResponse, source: CollectSource): EvidenceOrigin {
  const u = new URL(res.url);
  const query: Record<string, string> = {};
  for (const [k, v] of u.searchParams) query[k] = v;
  const headers: Record<string, string> = {};
  for (const h of KEPT_HEADERS) {
    const v = res.headers[h];
    if (v !== undefined) headers[h] = v;
  }
  return {
    type: 'http',
    method: res.method,
    url: `${u.origin}${u.pathname}`,
    query,
    status: res.status,
    requestedAtUs: res.requestedAtUs,
    headers,
    source,
  };
}

/** A gap to record. */
export interface GapInput {
  kind: GapKind;
  fromUs?: number | null;
  toUs?: number | null;
  target?: string | null;
  detail: string;
  evidenceId?: number | null;
  taskId?: number | null;
}

/** A stored response and what parsing it gave. */
export interface StoredPage {
  evidenceId: number;
  status: number;
  format: string | null;
  requestedAtUs: number;
  counts: IngestCounts;
}

/**
 * Group commit: pages and checkpoints are written inside one open write transaction that is
 * committed every `intervalMs` (and at the end). Every store and checkpoint is still its own
 * transaction (a savepoint inside the group), so the case is consistent at every commit; a kill
 * loses at most the last interval's pages, which a resume fetches again. Without it, the five
 * fsyncs per page (evidence, parse, checkpoint) bound a collection to a few dozen pages a second.
 * On a slow or busy disk the interval stretches (up to 2 s) so commits take at most a fifth of the
 * time.
 */
export class GroupCommit {
  private timer: NodeJS.Timeout | null = null;
  private ownsTransaction = false;
  private nextMs: number;

  constructor(
    private readonly db: CaseSession['db'],
    private readonly intervalMs: number,
    private readonly maxIntervalMs = 2000,
  ) {
    this.nextMs = intervalMs;
  }

  /** Makes sure writes go into the open group (starting one if needed). */
  enter(): void {
    if (this.intervalMs <= 0 || this.db.inTransaction) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.ownsTransaction = true;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.commit();
      }, this.nextMs);
      this.timer.unref();
    }
  }

  /** Commits the group (between two synchronous steps, so never inside another transaction). */
  commit(): void {
    if (this.ownsTransaction && this.db.inTransaction) {
      const t0 = performance.now();
      this.db.exec('COMMIT');
      const took = performance.now() - t0;
      this.nextMs = Math.min(this.maxIntervalMs, Math.max(this.intervalMs, 5 * took));
    }
    this.ownsTransaction = false;
  }

  /** Commits and stops the timer. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.commit();
  }
}

/** State shared by the sources of one run. */
export class RunContext {
  /** Latest `Date` header seen, to judge horizons by the service's clock rather than the laptop's. */
  private serviceDateMs: number | null = null;
  readonly group: GroupCommit;

  constructor(
    readonly session: CaseSession,
    readonly runId: string,
    readonly params: RunParams,
    readonly api: ApiClient,
    readonly tuning: CollectTuning,
    readonly ingest: IngestFn,
    readonly signal: AbortSignal,
    readonly clock: Clock,
    readonly emitProgress: (p: CollectProgress) => void,
    readonly jobId: string,
  ) {
    this.group = new GroupCommit(session.db, tuning.groupCommitMs);
  }

  /** Notes the service's clock from a response. */
  noteDate(headers: Record<string, string>): void {
    const d = headers['date'] ? Date.parse(headers['date']) : NaN;
    if (Number.isFinite(d)) this.serviceDateMs = d;
  }

  /** "Now" as the service sees it (falls back to the local clock). */
  serviceNowMs(): number {
    return this.tuning.nowMs ?? this.serviceDateMs ?? Math.floor(this.clock() / 1000);
  }
}

/** One source's view of the run. */
export class SourceContext {
  private lastProgressMs = 0;

  constructor(
    readonly run: RunContext,
    readonly source: CollectSource,
  ) {}

  get session(): CaseSession {
    return this.run.session;
  }
  get hosts(): CloudHosts {
    return this.run.params.hosts;
  }
  get tenant(): string {
    return this.run.params.tenant;
  }
  get users(): string[] {
    return this.run.params.users;
  }
  get fromUs(): number {
    return this.run.params.fromUs;
  }
  get toUs(): number {
    return this.run.params.toUs;
  }
  get tuning(): CollectTuning {
    return this.run.tuning;
  }
  get signal(): AbortSignal {
    return this.run.signal;
  }

  /** Calls the API (retries, throttling and token refresh included). */
  async call(req: Omit<ApiRequest, 'source'>): Promise<ApiResponse> {
    const res = await this.run.api.call({ ...req, source: this.source });
    this.run.noteDate(res.headers);
    return res;
  }

  /**
   * Stores a response verbatim (raw first) and, when a format is given, parses it through the
   * import pipeline. Nothing is checkpointed yet: call {@link checkpoint} with the result.
   */
  async store(res: ApiResponse, options: { format?: string | null; mailbox?: string; declared?: number | null } = {}): Promise<StoredPage> {
    // No cancellation signal here: a response already received is always stored and parsed (a
    // page is small), so cancelling never throws away data the service has sent.
    this.run.group.enter();
    const { item } = await this.session.evidence.add(res.body, {
      kind: 'http-response',
      origin: originOf(res, this.source),
      declaredCount: options.declared ?? null,
    });
    const format = options.format ?? null;
    let counts: IngestCounts = { read: 0, imported: 0, duplicates: 0, quarantined: 0, upgraded: 0 };
    if (format) counts = await this.run.ingest(this.session, item.id, { format, mailbox: options.mailbox });
    return { evidenceId: item.id, status: res.status, format, requestedAtUs: res.requestedAtUs, counts };
  }

  /**
   * Records progress durably in one transaction: the page (if any) and its counts, the task's new
   * cursor/state/declared count, tasks it spawned and a gap it found. After this returns, a killed
   * run resumes after this page.
   */
  checkpoint(
    task: TaskRow,
    change: {
      page?: StoredPage;
      cursor?: unknown;
      state?: TaskState;
      declared?: number | null;
      spawn?: Omit<NewTask, 'runId' | 'source' | 'nowUs' | 'parentId'>[];
      gap?: GapInput;
      error?: string | null;
    },
  ): void {
    const db = this.session.db;
    const nowUs = this.run.clock();
    this.run.group.enter();
    db.transaction(() => {
      const p = change.page;
      if (p) {
        insertPage(db, {
          runId: this.run.runId,
          taskId: task.id,
          source: this.source,
          evidenceId: p.evidenceId,
          status: p.status,
          format: p.format,
          received: p.counts.read,
          imported: p.counts.imported,
          duplicates: p.counts.duplicates,
          quarantined: p.counts.quarantined,
          upgraded: p.counts.upgraded,
          requestedAtUs: p.requestedAtUs,
        });
      }
      for (const t of change.spawn ?? []) {
        insertTask(db, { ...t, runId: this.run.runId, source: this.source, parentId: task.id, nowUs });
      }
      if (change.gap) this.insertGapTx({ ...change.gap, taskId: change.gap.taskId ?? task.id });
      updateTask(db, task.id, {
        ...(change.state ? { state: change.state } : {}),
        ...(change.cursor !== undefined ? { cursor: change.cursor } : {}),
        ...(change.declared !== undefined ? { declared: change.declared } : {}),
        ...(change.error !== undefined ? { error: change.error } : {}),
        addReceived: p?.counts.read ?? 0,
        addImported: p?.counts.imported ?? 0,
        addDuplicates: p?.counts.duplicates ?? 0,
        addQuarantined: p?.counts.quarantined ?? 0,
        addPages: p ? 1 : 0,
        nowUs,
      });
      if (change.state === 'done' || change.state === 'split') {
        // A resume completed a window an earlier finish had to give up on.
        for (const gapId of openIncompleteGapsOfTask(db, task.id)) {
          const entry = this.session.journal.append('collect.gap-resolved', { run_id: this.run.runId, source: this.source, gap_id: gapId });
          resolveGap(db, gapId, nowUs, entry.seq);
        }
      }
    }).immediate();
    const fresh = taskById(db, task.id);
    if (fresh) Object.assign(task, fresh);
    this.progress();
  }

  private insertGapTx(g: GapInput): void {
    const nowUs = this.run.clock();
    const entry = this.session.journal.append('collect.gap', {
      run_id: this.run.runId,
      source: this.source,
      kind: g.kind,
      from_us: g.fromUs ?? null,
      to_us: g.toUs ?? null,
      target: g.target ?? null,
      detail: g.detail,
      evidence_id: g.evidenceId ?? null,
    });
    insertGap(this.session.db, {
      runId: this.run.runId,
      source: this.source,
      taskId: g.taskId ?? null,
      kind: g.kind,
      fromUs: g.fromUs ?? null,
      toUs: g.toUs ?? null,
      target: g.target ?? null,
      detail: g.detail,
      evidenceId: g.evidenceId ?? null,
      recordedAtUs: nowUs,
      custodySeq: entry.seq,
    });
  }

  /**
   * Returns when the response is a 2xx. Otherwise stores it (the service's answer is evidence too)
   * and throws: {@link ServiceRefusal} for 401/403 (permission, licence, endpoint gone: no retry),
   * a plain error for anything else (the task is retried later).
   */
  async expectOk(task: TaskRow, res: ApiResponse, what: string): Promise<void> {
    if (res.status >= 200 && res.status < 300) return;
    const page = await this.store(res);
    this.checkpoint(task, { page });
    const e = serviceError(res.body);
    const text = `${what}: HTTP ${res.status}${e.code ? ` ${e.code}` : ''}${e.message ? `: ${e.message.split(/\r?\n/)[0]}` : ''}`;
    if (res.status === 401 || res.status === 403) throw new ServiceRefusal('unavailable', text, page.evidenceId);
    throw new Error(text);
  }

  /** Records a gap (journaled) unless the same open gap is already recorded for this run. */
  gap(g: GapInput): void {
    const key = {
      runId: this.run.runId,
      source: this.source,
      kind: g.kind,
      fromUs: g.fromUs ?? null,
      toUs: g.toUs ?? null,
      target: g.target ?? null,
    };
    this.session.db
      .transaction(() => {
        if (!gapExists(this.session.db, key)) this.insertGapTx(g);
      })
      .immediate();
  }

  /** This source's tasks in the run, optionally only those in the given states. */
  tasks(states?: readonly TaskState[]): TaskRow[] {
    return tasksOf(this.session.db, this.run.runId, this.source, states);
  }

  /** Adds tasks (idempotent by key). */
  plan(tasks: Omit<NewTask, 'runId' | 'source' | 'nowUs'>[]): void {
    const nowUs = this.run.clock();
    this.session.db
      .transaction(() => {
        for (const t of tasks) insertTask(this.session.db, { ...t, runId: this.run.runId, source: this.source, nowUs });
      })
      .immediate();
  }

  /** Pushes a progress event (at most every 200 ms unless forced). */
  progress(force = false): void {
    const t = Date.now();
    if (!force && t - this.lastProgressMs < 200) return;
    this.lastProgressMs = t;
    const row = taskProgress(this.session.db, this.run.runId, this.source);
    this.run.emitProgress({
      jobId: this.run.jobId,
      phase: this.source,
      source: this.source,
      done: row.done,
      total: row.total,
      unit: 'tasks',
      records: row.records,
      requests: this.run.api.statsOf(this.source).requests,
    });
  }
}
