/** SQL for analyzer runs and findings (upserted by analyzer + fingerprint, so re-runs are idempotent). */
import type { Finding, FindingSeverity } from '../../shared/model/analysis';
import type { Db } from './database';

/** A finding as an analyzer produced it. */
export interface FindingInput {
  analyzer: string;
  fingerprint: string;
  kind: 'finding' | 'gap';
  severity: FindingSeverity;
  title: string;
  why: string;
  nextSteps: string[];
  actors: string[];
  eventIds: number[];
  firstUs: number | null;
  lastUs: number | null;
}

/** Records a run; returns its id. */
export function insertRun(
  db: Db,
  startedAtUs: number,
  finishedAtUs: number,
  examiner: string,
  analyzers: string[],
  events: number,
  findings: number,
): number {
  return Number(
    db
      .prepare('INSERT INTO analyzer_runs (started_at_us, finished_at_us, examiner, analyzers, events, findings) VALUES (?, ?, ?, ?, ?, ?)')
      .run(startedAtUs, finishedAtUs, examiner, JSON.stringify(analyzers), events, findings).lastInsertRowid,
  );
}

/**
 * Stores the findings of `analyzers` for run `runId`: existing (analyzer, fingerprint) rows are
 * updated in place (keeping their id), new ones inserted, and findings of those analyzers that
 * this run no longer produced are deleted.
 * @returns counts added / updated / removed.
 */
export function replaceFindings(
  db: Db,
  runId: number,
  analyzers: string[],
  findings: FindingInput[],
): { added: number; updated: number; removed: number } {
  const find = db.prepare('SELECT id FROM findings WHERE analyzer = ? AND fingerprint = ?').pluck(true);
  const ins = db.prepare(
    `INSERT INTO findings (analyzer, fingerprint, kind, severity, title, why, next_steps, actors, first_us, last_us, run_id, first_run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upd = db.prepare(
    `UPDATE findings SET kind = ?, severity = ?, title = ?, why = ?, next_steps = ?, actors = ?, first_us = ?, last_us = ?, run_id = ? WHERE id = ?`,
  );
  const delEvents = db.prepare('DELETE FROM finding_events WHERE finding_id = ?');
  const insEvent = db.prepare('INSERT INTO finding_events (finding_id, event_id, ord) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  let added = 0;
  let updated = 0;
  // Each link's foreign key looks its event up: in event-id order those lookups walk the events
  // table once, page after page, instead of decrypting a random page per link.
  const links: { finding: number; event: number; ord: number }[] = [];
  for (const f of findings) {
    const existing = find.get(f.analyzer, f.fingerprint) as number | undefined;
    let id: number;
    const common = [
      f.kind,
      f.severity,
      f.title,
      f.why,
      JSON.stringify(f.nextSteps),
      JSON.stringify(f.actors),
      f.firstUs,
      f.lastUs,
    ] as const;
    if (existing !== undefined) {
      upd.run(...common, runId, existing);
      delEvents.run(existing);
      id = existing;
      updated++;
    } else {
      id = Number(ins.run(f.analyzer, f.fingerprint, ...common, runId, runId).lastInsertRowid);
      added++;
    }
    f.eventIds.forEach((e, i) => links.push({ finding: id, event: e, ord: i }));
  }
  links.sort((a, b) => a.event - b.event || a.finding - b.finding);
  for (const l of links) insEvent.run(l.finding, l.event, l.ord);
  const stale = db
    .prepare(`SELECT id FROM findings WHERE run_id <> ? AND analyzer IN (SELECT value FROM json_each(?))`)
    .pluck(true)
    .all(runId, JSON.stringify(analyzers)) as number[];
  for (const id of stale) {
    delEvents.run(id);
    db.prepare('DELETE FROM findings WHERE id = ?').run(id);
  }
  return { added, updated, removed: stale.length };
}

const ORDER = `CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END, first_us, id`;

interface FindingRow {
  id: number;
  analyzer: string;
  kind: 'finding' | 'gap';
  severity: FindingSeverity;
  title: string;
  why: string;
  next_steps: string;
  actors: string;
  first_us: number | null;
  last_us: number | null;
  event_ids: string | null;
}

/** Stored findings, most severe first; optionally only some severities / one analyzer / one event. */
export function listFindings(db: Db, opts: { minSeverity?: FindingSeverity; analyzer?: string; eventId?: number } = {}): Finding[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.minSeverity) {
    const levels = ['info', 'low', 'medium', 'high'];
    where.push(`severity IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(levels.slice(levels.indexOf(opts.minSeverity))));
  }
  if (opts.analyzer) {
    where.push('analyzer = ?');
    params.push(opts.analyzer);
  }
  if (opts.eventId !== undefined) {
    where.push('id IN (SELECT finding_id FROM finding_events WHERE event_id = ?)');
    params.push(opts.eventId);
  }
  const rows = db
    .prepare(
      `SELECT id, analyzer, kind, severity, title, why, next_steps, actors, first_us, last_us,
         (SELECT json_group_array(event_id) FROM (SELECT event_id FROM finding_events fe WHERE fe.finding_id = findings.id ORDER BY ord)) AS event_ids
       FROM findings ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${ORDER}`,
    )
    .all(...params) as FindingRow[];
  return rows.map((r) => ({
    id: r.id,
    analyzer: r.analyzer,
    kind: r.kind,
    severity: r.severity,
    title: r.title,
    why: r.why,
    nextSteps: JSON.parse(r.next_steps) as string[],
    actors: JSON.parse(r.actors) as string[],
    eventIds: r.event_ids ? (JSON.parse(r.event_ids) as number[]) : [],
    firstUs: r.first_us,
    lastUs: r.last_us,
  }));
}
