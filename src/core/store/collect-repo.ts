/**
 * SQL for online collection: runs, tasks (units of work with their checkpoint cursor), the pages
 * stored for them and the gaps the service imposed. Read functions here are what the UI and the
 * report use: {@link listCollectionRuns}, {@link listCollectionGaps}, {@link collectedRecordKeys}.
 */
import type { CollectionGap, CollectionRun, CollectSource, GapKind, SourceSummary } from '../../shared/model/collection';
import type { Db } from './database';

/** Run states. */
export type RunState = CollectionRun['state'];
/** Task states: `split` (replaced by its halves), `gap` (given up, a gap is recorded). */
export type TaskState = 'pending' | 'done' | 'split' | 'gap' | 'failed';

/** The request fields a listed run shows (see {@link CollectionRun}). */
type RunRequest = Pick<CollectionRun, 'tenant' | 'clientId' | 'cloud' | 'hosts' | 'authMode' | 'sources' | 'users' | 'fromUs' | 'toUs'>;

/** What a run was asked to do (stored as JSON; never holds a secret). */
export interface RunParams extends RunRequest {
  /** Collector tuning as used (window sizes, API version); kept so a resume plans identically. */
  options: Record<string, unknown>;
}

/** A run row as stored. */
export interface RunRow {
  id: string;
  started_at_us: number;
  finished_at_us: number | null;
  state: RunState;
  params: string;
  summary: string | null;
  error: string | null;
}

/** A task row as stored. */
export interface TaskRow {
  id: number;
  run_id: string;
  source: CollectSource;
  key: string;
  kind: string;
  parent_id: number | null;
  from_us: number | null;
  to_us: number | null;
  target: string | null;
  state: TaskState;
  cursor: string | null;
  declared: number | null;
  received: number;
  imported: number;
  duplicates: number;
  quarantined: number;
  pages: number;
  attempts: number;
  error: string | null;
  updated_at_us: number;
}

/** A new task. */
export interface NewTask {
  runId: string;
  source: CollectSource;
  key: string;
  kind: string;
  parentId?: number | null;
  fromUs?: number | null;
  toUs?: number | null;
  target?: string | null;
  cursor?: unknown;
  nowUs: number;
}

/** Creates a run. */
export function insertRun(db: Db, id: string, startedAtUs: number, params: RunParams): void {
  db.prepare(`INSERT INTO collect_runs (id, started_at_us, state, params) VALUES (?, ?, 'running', ?)`).run(
    id,
    startedAtUs,
    JSON.stringify(params),
  );
}

/** One run. */
export function runById(db: Db, id: string): RunRow | undefined {
  return db.prepare('SELECT * FROM collect_runs WHERE id = ?').get(id) as RunRow | undefined;
}

/** The most recent run that did not complete (the one `--resume` continues), if any. */
export function latestUnfinishedRun(db: Db): RunRow | undefined {
  return db
    .prepare(
      `SELECT * FROM collect_runs WHERE state IN ('running', 'incomplete', 'failed', 'cancelled') ORDER BY started_at_us DESC, rowid DESC LIMIT 1`,
    )
    .get() as RunRow | undefined;
}

/** Sets a run's state (and, when finishing, its time, summary and error). */
export function setRunState(
  db: Db,
  id: string,
  state: RunState,
  fields: { finishedAtUs?: number | null; summary?: unknown; error?: string | null } = {},
): void {
  db.prepare('UPDATE collect_runs SET state = ?, finished_at_us = ?, summary = coalesce(?, summary), error = ? WHERE id = ?').run(
    state,
    fields.finishedAtUs ?? null,
    fields.summary === undefined ? null : JSON.stringify(fields.summary),
    fields.error ?? null,
    id,
  );
}

/** Replaces a run's stored parameters (a resume records the hosts it used). */
export function updateRunParams(db: Db, id: string, params: RunParams): void {
  db.prepare('UPDATE collect_runs SET params = ? WHERE id = ?').run(JSON.stringify(params), id);
}

/** Parses a run's stored parameters. */
export function runParams(row: RunRow): RunParams {
  return JSON.parse(row.params) as RunParams;
}

/** Every collection run, oldest first, for the UI and the report. */
export function listCollectionRuns(db: Db): CollectionRun[] {
  const rows = db.prepare('SELECT * FROM collect_runs ORDER BY started_at_us, rowid').all() as RunRow[];
  return rows.map((row) => {
    const p = runParams(row);
    return {
      id: row.id,
      startedAtUs: row.started_at_us,
      finishedAtUs: row.finished_at_us,
      state: row.state,
      tenant: p.tenant,
      clientId: p.clientId,
      cloud: p.cloud,
      hosts: p.hosts,
      authMode: p.authMode,
      sources: p.sources,
      users: p.users,
      fromUs: p.fromUs,
      toUs: p.toUs,
      summary: row.summary ? (JSON.parse(row.summary) as CollectionRun['summary']) : {},
      error: row.error,
    };
  });
}

/**
 * Inserts a task unless one with the same key exists in the run (planning is repeatable).
 * @returns the task's id.
 */
export function insertTask(db: Db, t: NewTask): number {
  db.prepare(
    `INSERT INTO collect_tasks (run_id, source, key, kind, parent_id, from_us, to_us, target, state, cursor, updated_at_us)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (run_id, source, key) DO NOTHING`,
  ).run(
    t.runId,
    t.source,
    t.key,
    t.kind,
    t.parentId ?? null,
    t.fromUs ?? null,
    t.toUs ?? null,
    t.target ?? null,
    t.cursor === undefined ? null : JSON.stringify(t.cursor),
    t.nowUs,
  );
  return (
    db.prepare('SELECT id FROM collect_tasks WHERE run_id = ? AND source = ? AND key = ?').get(t.runId, t.source, t.key) as { id: number }
  ).id;
}

/** One task. */
export function taskById(db: Db, id: number): TaskRow | undefined {
  return db.prepare('SELECT * FROM collect_tasks WHERE id = ?').get(id) as TaskRow | undefined;
}

/** Tasks of a run and source in creation order, optionally only in the given states. */
export function tasksOf(db: Db, runId: string, source: CollectSource, states?: readonly TaskState[]): TaskRow[] {
  if (!states) return db.prepare('SELECT * FROM collect_tasks WHERE run_id = ? AND source = ? ORDER BY id').all(runId, source) as TaskRow[];
  return db
    .prepare(`SELECT * FROM collect_tasks WHERE run_id = ? AND source = ? AND state IN (SELECT value FROM json_each(?)) ORDER BY id`)
    .all(runId, source, JSON.stringify(states)) as TaskRow[];
}

/** Updates a task's state, cursor and counters (only the fields given). */
export function updateTask(
  db: Db,
  id: number,
  patch: {
    state?: TaskState;
    cursor?: unknown;
    declared?: number | null;
    addReceived?: number;
    addImported?: number;
    addDuplicates?: number;
    addQuarantined?: number;
    addPages?: number;
    addAttempts?: number;
    error?: string | null;
    nowUs: number;
  },
): void {
  db.prepare(
    `UPDATE collect_tasks SET
       state = coalesce(@state, state),
       cursor = CASE WHEN @setCursor THEN @cursor ELSE cursor END,
       declared = CASE WHEN @setDeclared THEN @declared ELSE declared END,
       received = received + @addReceived,
       imported = imported + @addImported,
       duplicates = duplicates + @addDuplicates,
       quarantined = quarantined + @addQuarantined,
       pages = pages + @addPages,
       attempts = attempts + @addAttempts,
       error = CASE WHEN @setError THEN @error ELSE error END,
       updated_at_us = @nowUs
     WHERE id = @id`,
  ).run({
    id,
    state: patch.state ?? null,
    setCursor: patch.cursor === undefined ? 0 : 1,
    cursor: patch.cursor === undefined || patch.cursor === null ? null : JSON.stringify(patch.cursor),
    setDeclared: patch.declared === undefined ? 0 : 1,
    declared: patch.declared ?? null,
    addReceived: patch.addReceived ?? 0,
    addImported: patch.addImported ?? 0,
    addDuplicates: patch.addDuplicates ?? 0,
    addQuarantined: patch.addQuarantined ?? 0,
    addPages: patch.addPages ?? 0,
    addAttempts: patch.addAttempts ?? 0,
    setError: patch.error === undefined ? 0 : 1,
    error: patch.error ?? null,
    nowUs: patch.nowUs,
  });
}

/** A page stored for a task. */
export interface NewPage {
  runId: string;
  taskId: number | null;
  source: CollectSource;
  evidenceId: number;
  status: number;
  format: string | null;
  received: number;
  imported: number;
  duplicates: number;
  quarantined: number;
  /** Of the duplicates, those that replaced a poorer copy the case held. */
  upgraded: number;
  requestedAtUs: number;
}

/** Records a stored page. */
export function insertPage(db: Db, p: NewPage): void {
  db.prepare(
    `INSERT INTO collect_pages (run_id, task_id, source, evidence_id, status, format, received, imported, duplicates, quarantined, upgraded,
       requested_at_us)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    p.runId,
    p.taskId,
    p.source,
    p.evidenceId,
    p.status,
    p.format,
    p.received,
    p.imported,
    p.duplicates,
    p.quarantined,
    p.upgraded,
    p.requestedAtUs,
  );
}

/** Duplicates of a source's pages in a run that replaced a poorer copy the case held. */
export function upgradedTotal(db: Db, runId: string, source: CollectSource): number {
  return db
    .prepare('SELECT coalesce(sum(upgraded), 0) FROM collect_pages WHERE run_id = ? AND source = ?')
    .pluck(true)
    .get(runId, source) as number;
}

/**
 * Sealed `http-response` evidence items that no page references: bytes stored by a run that was
 * killed before it could record (and parse) the page. A resume parses them.
 */
export function unrecordedResponses(db: Db): { id: number; origin: string }[] {
  return db
    .prepare(
      `SELECT e.id, e.origin FROM evidence_items e
       WHERE e.kind = 'http-response' AND e.state = 'sealed'
         AND NOT EXISTS (SELECT 1 FROM collect_pages p WHERE p.evidence_id = e.id)
       ORDER BY e.id`,
    )
    .all() as { id: number; origin: string }[];
}

/** A gap to record. */
export interface NewGap {
  runId: string;
  source: CollectSource;
  taskId: number | null;
  kind: GapKind;
  fromUs: number | null;
  toUs: number | null;
  target: string | null;
  detail: string;
  evidenceId: number | null;
  recordedAtUs: number;
  custodySeq: number;
}

/** Records a gap (call inside the transaction that journals it). */
export function insertGap(db: Db, g: NewGap): number {
  const info = db
    .prepare(
      `INSERT INTO collect_gaps (run_id, source, task_id, kind, from_us, to_us, target, detail, evidence_id, recorded_at_us, custody_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(g.runId, g.source, g.taskId, g.kind, g.fromUs, g.toUs, g.target, g.detail, g.evidenceId, g.recordedAtUs, g.custodySeq);
  return Number(info.lastInsertRowid);
}

interface GapRow {
  id: number;
  run_id: string;
  source: CollectSource;
  task_id: number | null;
  resolved_at_us: number | null;
  kind: GapKind;
  from_us: number | null;
  to_us: number | null;
  target: string | null;
  detail: string;
  evidence_id: number | null;
  recorded_at_us: number;
  custody_seq: number;
}

/** True when an unresolved gap of this kind, target and range is already recorded for the run (resume). */
export function gapExists(db: Db, g: Pick<NewGap, 'runId' | 'source' | 'kind' | 'fromUs' | 'toUs' | 'target'>): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM collect_gaps g WHERE run_id = ? AND source = ? AND kind = ? AND from_us IS ? AND to_us IS ? AND target IS ?
           AND NOT EXISTS (SELECT 1 FROM collect_gap_resolutions r WHERE r.gap_id = g.id) LIMIT 1`,
      )
      .get(g.runId, g.source, g.kind, g.fromUs, g.toUs, g.target) !== undefined
  );
}

/** Unresolved `incomplete` gaps recorded for a task (a window a resume is retrying). */
export function openIncompleteGapsOfTask(db: Db, taskId: number): number[] {
  return (
    db
      .prepare(
        `SELECT id FROM collect_gaps g WHERE task_id = ? AND kind = 'incomplete'
           AND NOT EXISTS (SELECT 1 FROM collect_gap_resolutions r WHERE r.gap_id = g.id)`,
      )
      .all(taskId) as { id: number }[]
  ).map((r) => r.id);
}

/** Marks a gap as filled (call inside the transaction that journals it). */
export function resolveGap(db: Db, gapId: number, resolvedAtUs: number, custodySeq: number): void {
  db.prepare('INSERT INTO collect_gap_resolutions (gap_id, resolved_at_us, custody_seq) VALUES (?, ?, ?)').run(
    gapId,
    resolvedAtUs,
    custodySeq,
  );
}

/**
 * Gaps recorded by collection, for the report: by default only those still open (a later resume
 * may have filled an `incomplete` window), optionally one run and/or one source; source then time
 * order.
 */
export function listCollectionGaps(
  db: Db,
  filter: { runId?: string; source?: CollectSource; includeResolved?: boolean } = {},
): CollectionGap[] {
  const rows = db
    .prepare(
      `SELECT g.*, r.resolved_at_us FROM collect_gaps g LEFT JOIN collect_gap_resolutions r ON r.gap_id = g.id
       WHERE (@runId IS NULL OR g.run_id = @runId) AND (@source IS NULL OR g.source = @source)
         AND (@all = 1 OR r.gap_id IS NULL)
       ORDER BY g.source, coalesce(g.from_us, 0), g.id`,
    )
    .all({ runId: filter.runId ?? null, source: filter.source ?? null, all: filter.includeResolved ? 1 : 0 }) as GapRow[];
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    source: r.source,
    kind: r.kind,
    fromUs: r.from_us,
    toUs: r.to_us,
    target: r.target,
    detail: r.detail,
    evidenceId: r.evidence_id,
    recordedAtUs: r.recorded_at_us,
    custodySeq: r.custody_seq,
    resolvedAtUs: r.resolved_at_us,
  }));
}

/** Counters kept outside the tasks (requests, retries) merged by the caller. */
export type TaskTotals = Pick<SourceSummary, 'windows' | 'declared' | 'received' | 'imported' | 'duplicates' | 'quarantined' | 'pages'> & {
  pending: number;
  failed: number;
};

/**
 * Sums a source's leaf tasks in a run. `windows` counts finished leaves (done or given up as a
 * gap); `declared` is null when no task declared a count.
 */
export function taskTotals(db: Db, runId: string, source: CollectSource, kinds?: readonly string[]): TaskTotals {
  const rows = tasksOf(db, runId, source).filter((t) => !kinds || kinds.includes(t.kind));
  const totals: TaskTotals = {
    windows: 0,
    declared: null,
    received: 0,
    imported: 0,
    duplicates: 0,
    quarantined: 0,
    pages: 0,
    pending: 0,
    failed: 0,
  };
  for (const t of tasksOf(db, runId, source)) {
    totals.received += t.received;
    totals.imported += t.imported;
    totals.duplicates += t.duplicates;
    totals.quarantined += t.quarantined;
    totals.pages += t.pages;
  }
  for (const t of rows) {
    if (t.state === 'done' || t.state === 'gap') totals.windows++;
    if (t.state === 'pending') totals.pending++;
    if (t.state === 'failed') totals.failed++;
    if (t.declared !== null && t.state !== 'split') totals.declared = (totals.declared ?? 0) + t.declared;
  }
  return totals;
}

/**
 * Record keys (`ual:<Id>`, `signin:<id>`, …) of every event a source delivered, first seen or
 * seen again, optionally limited to one run: what the source provably returned.
 */
export function collectedRecordKeys(db: Db, filter: { source: CollectSource; runId?: string }): Set<string> {
  const rows = db
    .prepare(
      `WITH ev AS (SELECT DISTINCT evidence_id FROM collect_pages WHERE source = @source AND (@runId IS NULL OR run_id = @runId))
       SELECT e.record_key AS k FROM events e JOIN ev ON ev.evidence_id = e.evidence_id WHERE e.record_key IS NOT NULL
       UNION
       SELECT e.record_key FROM event_sightings s JOIN ev ON ev.evidence_id = s.evidence_id JOIN events e ON e.id = s.event_id
       WHERE e.record_key IS NOT NULL`,
    )
    .all({ source: filter.source, runId: filter.runId ?? null }) as { k: string }[];
  return new Set(rows.map((r) => r.k));
}

/**
 * Events of a run that carry MailItemsAccessed `IsThrottled=True` (`attrs.mailAccess.throttled`),
 * with their mailbox and time: each starts a 24 h Bind-auditing blind spot.
 */
export function throttledMailAccess(db: Db, runId: string): { tsUs: number; mailbox: string | null; evidenceId: number }[] {
  return db
    .prepare(
      `SELECT e.ts_us AS tsUs, coalesce(e.mailbox, e.actor) AS mailbox, e.evidence_id AS evidenceId
       FROM events e JOIN event_payloads p ON p.event_id = e.id
       WHERE e.operation = 'MailItemsAccessed' AND json_extract(p.attrs, '$.mailAccess.throttled') = 1
         AND e.evidence_id IN (SELECT evidence_id FROM collect_pages WHERE run_id = ?)
       ORDER BY e.ts_us`,
    )
    .all(runId) as { tsUs: number; mailbox: string | null; evidenceId: number }[];
}

/** Tasks of a source in a run, how many are finished, and records received so far (for progress). */
export function taskProgress(db: Db, runId: string, source: CollectSource): { total: number; done: number; records: number } {
  const row = db
    .prepare(
      `SELECT count(*) AS total, coalesce(sum(state IN ('done', 'gap', 'split', 'failed')), 0) AS done, coalesce(sum(received), 0) AS records
       FROM collect_tasks WHERE run_id = ? AND source = ?`,
    )
    .get(runId, source) as { total: number; done: number; records: number };
  return row;
}

/** Totals of pages recorded without a task: responses a killed run stored but never recorded, parsed by the resume. */
export function recoveredTotals(
  db: Db,
  runId: string,
  source: CollectSource,
): { received: number; imported: number; duplicates: number; quarantined: number; pages: number } {
  return db
    .prepare(
      `SELECT coalesce(sum(received), 0) AS received, coalesce(sum(imported), 0) AS imported, coalesce(sum(duplicates), 0) AS duplicates,
              coalesce(sum(quarantined), 0) AS quarantined, count(*) AS pages
       FROM collect_pages WHERE run_id = ? AND source = ? AND task_id IS NULL`,
    )
    .get(runId, source) as { received: number; imported: number; duplicates: number; quarantined: number; pages: number };
}
