/**
 * `export:events` / `mailtrail export`: events (all, matching a query, and/or tagged only) as CSV,
 * JSONL, Timesketch JSONL or a STIX 2.1 bundle of indicators from tagged events. Streams in pages
 * (constant memory for the line formats), and journals `export.events` with the output's SHA-256.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MailtrailError } from '../../../shared/errors';
import type { TimelineEvent } from '../../../shared/model/event';
import { EXPORT_FORMATS, type ExportFormat } from '../../../shared/model/export';
import { isoUs } from '../../../shared/time/format';
import type { CaseSession } from '../../case/case-file';
import { queryEvents } from '../../analyze/queries';
import { eventsByIds, eventsPage } from '../../store/report-repo';
import { HashStream } from '../../package/hash-stream';
import { assertWritableOutput } from '../export-report';
import { annotationsOf, type Annotations } from '../sources/annotations';
import { csvHeader, csvLine } from './csv';
import { jsonlLine, timesketchLine } from './jsonl';
import { exportRecord, type ExportRecord } from './rows';
import { StixCollector } from './stix';

export { EXPORT_FORMATS, type ExportFormat } from '../../../shared/model/export';

/** Options for {@link exportEvents}. */
export interface ExportEventsOptions {
  out: string;
  format: ExportFormat;
  /** A query in the search language; only matching events are exported. */
  query?: string | undefined;
  /** Only tagged events (always the case for `stix`). */
  onlyTagged?: boolean | undefined;
  /** Replace an existing file. */
  force?: boolean | undefined;
}

/** What {@link exportEvents} wrote. */
export interface ExportEventsResult {
  out: string;
  format: ExportFormat;
  bytes: number;
  sha256: string;
  /** Events exported (for `stix`: tagged events the indicators come from). */
  events: number;
  /** STIX indicators written (`stix` only). */
  indicators: number | null;
  journaled: boolean;
}

const PAGE = 1000;

/** Selected events in time order, page by page. */
function* selectedEvents(
  session: CaseSession,
  annotations: Annotations,
  query: string | undefined,
  onlyTagged: boolean,
): Generator<TimelineEvent[]> {
  let tagged: Set<number> | null = null;
  if (onlyTagged) {
    if (!annotations.available) return;
    tagged = new Set(annotations.selectedEventIds({ onlyTagged: true, tags: [] }));
    if (tagged.size === 0) return;
  }
  if (query !== undefined && query.trim() !== '') {
    let after: { tsUs: number; id: number } | null = null;
    for (;;) {
      const page = queryEvents(session, { query, after, limit: PAGE });
      const ids = page.events.map((e) => e.id).filter((id) => tagged === null || tagged.has(id));
      if (ids.length > 0) yield eventsByIds(session.db, ids);
      if (!page.next) return;
      after = page.next;
    }
  }
  if (tagged !== null) {
    const ids = [...tagged];
    // Load in chunks, then order globally (tagged sets are small compared with the case).
    const events: TimelineEvent[] = [];
    for (let i = 0; i < ids.length; i += PAGE) events.push(...eventsByIds(session.db, ids.slice(i, i + PAGE)));
    events.sort((a, b) => a.tsUs - b.tsUs || a.id - b.id);
    for (let i = 0; i < events.length; i += PAGE) yield events.slice(i, i + PAGE);
    return;
  }
  let after: { tsUs: number; id: number } | null = null;
  for (;;) {
    const page = eventsPage(session.db, after, PAGE);
    if (page.length === 0) return;
    yield page;
    const last = page[page.length - 1]!;
    after = { tsUs: last.tsUs, id: last.id };
  }
}

/** Exported records, page by page, with their notes. */
function* records(session: CaseSession, annotations: Annotations, query: string | undefined, onlyTagged: boolean): Generator<ExportRecord> {
  for (const page of selectedEvents(session, annotations, query, onlyTagged)) {
    const notes = annotations.notesFor(page.map((e) => e.id));
    for (const ev of page) yield exportRecord(ev, notes.get(ev.id));
  }
}

/** Exports events of `session` to `options.out` and journals it (unless the session is read-only). */
export async function exportEvents(session: CaseSession, options: ExportEventsOptions): Promise<ExportEventsResult> {
  const out = assertWritableOutput(options.out, options.force, session.file);
  const format = options.format;
  if (!EXPORT_FORMATS.includes(format))
    throw new MailtrailError('INVALID_INPUT', `unknown export format: ${String(format)} (use ${EXPORT_FORMATS.join(', ')})`);
  const onlyTagged = format === 'stix' || (options.onlyTagged ?? false);
  const query = options.query?.trim() || undefined;
  const info = session.info();
  const head = session.journal.list(info.journal.entries - 1, 1)[0];
  if (!head) throw new MailtrailError('INTERNAL', 'the journal is empty');
  const annotations = annotationsOf(session.db);

  let events = 0;
  let indicators: number | null = null;
  const source = records(session, annotations, query, onlyTagged);
  function* lines(): Generator<string> {
    if (format === 'stix') {
      const stix = new StixCollector();
      for (const r of source) stix.add(r);
      events = stix.events;
      indicators = stix.indicators;
      yield stix.bundle({
        caseId: info.id,
        caseLabel: info.number ? `case ${info.number}` : `case ${info.name}`,
        examiner: session.examiner,
        createdIso: isoUs(head!.atUs),
        headHash: head!.hash,
      });
      return;
    }
    if (format === 'csv') yield csvHeader();
    for (const r of source) {
      events++;
      if (format === 'csv') yield csvLine(r);
      else if (format === 'jsonl') yield jsonlLine(r);
      else yield timesketchLine(r, info.id);
    }
  }

  const partial = join(dirname(out), `.${basename(out)}.partial`);
  const hash = new HashStream();
  try {
    await pipeline(Readable.from(lines()), hash, createWriteStream(partial));
    renameSync(partial, out);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  const result: ExportEventsResult = {
    out,
    format,
    bytes: hash.bytes,
    sha256: hash.digest(),
    events,
    indicators,
    journaled: !session.readOnly,
  };
  if (!session.readOnly) {
    session.journal.append('export.events', {
      out,
      format,
      sha256: result.sha256,
      bytes: result.bytes,
      events,
      indicators,
      query: query ?? null,
      only_tagged: onlyTagged,
      journal_seq: head.seq,
      journal_head: head.hash,
    });
  }
  return result;
}
