/**
 * What every report section reads: the case, its journal head (which fixes the report's date and
 * what "the case" means), the display zone and the selection options.
 */
import { MailtrailError } from '../../shared/errors';
import type { CaseInfo } from '../../shared/model/case';
import type { JournalEntry } from '../../shared/model/custody';
import { formatUs } from '../../shared/time/format';
import { assertTimeZone, type CaseSession } from '../case/case-file';
import type { Db } from '../store/database';

/** Options that select what the report shows. */
export interface ReportOptions {
  /** IANA display zone (default: the case's zone). */
  timeZone?: string | undefined;
  /** List only tagged events (not starred-only ones) in the event sections. */
  onlyTagged?: boolean | undefined;
  /** List only events carrying one of these tags (implies tagged). */
  tags?: string[] | undefined;
}

/** Normalised options, as printed in the report. */
export interface ReportSelection {
  timeZone: string;
  onlyTagged: boolean;
  tags: string[];
}

/** Everything a section needs. */
export interface ReportContext {
  session: CaseSession;
  db: Db;
  info: CaseInfo;
  /** The journal entry the report is rendered at. */
  head: JournalEntry;
  selection: ReportSelection;
  /** Formats a µs time in the display zone with its offset. */
  time: (us: number | null | undefined, precision?: 0 | 3 | 6) => string;
}

/** Builds the context for `session` (reads the journal head). */
export function reportContext(session: CaseSession, options: ReportOptions = {}): ReportContext {
  const info = session.info();
  const head = session.journal.list(info.journal.entries - 1, 1)[0];
  if (!head) throw new MailtrailError('INTERNAL', 'the journal is empty');
  const timeZone = options.timeZone ?? info.timeZone;
  assertTimeZone(timeZone);
  const tags = [...new Set((options.tags ?? []).map((t) => t.trim()).filter(Boolean))].sort();
  return {
    session,
    db: session.db,
    info,
    head,
    selection: { timeZone, onlyTagged: (options.onlyTagged ?? false) || tags.length > 0, tags },
    time: (us, precision = 3) => (us === null || us === undefined ? '\u2014' : formatUs(us, timeZone, precision)),
  };
}
