/**
 * `report:export` / `mailtrail report`: renders the report and journals it. A `report.generate`
 * entry is appended first, so the report's head (and its "generated at") is the moment of
 * generation and the report lists its own generation; `report.export` then records the output's
 * SHA-256. A read-only session renders at the existing head and journals nothing (that is how a
 * report is reproduced from a copy of the case).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MailtrailError } from '../../shared/errors';
import type { CaseSession } from '../case/case-file';
import { assertTimeZone } from '../case/case-file';
import { refreshBeforeHead } from './freshness';
import type { ReportOptions } from './context';
import { renderReport, type RenderedReport } from './render-report';

/** Options for {@link exportReport}. */
export interface ExportReportOptions extends ReportOptions {
  out: string;
  /** Replace an existing file. */
  force?: boolean | undefined;
}

/** Result of {@link exportReport}. */
export interface ExportReportResult extends RenderedReport {
  /** False when the session was read-only (nothing journaled). */
  journaled: boolean;
}

/** Checks that `out` may be written. */
export function assertWritableOutput(out: string, force: boolean | undefined, caseFile: string): string {
  const path = resolve(out);
  if (path === resolve(caseFile)) throw new MailtrailError('INVALID_INPUT', 'the output cannot replace the case file');
  if (!existsSync(dirname(path))) throw new MailtrailError('NOT_FOUND', `output directory not found: ${dirname(path)}`);
  if (existsSync(path) && !force) throw new MailtrailError('EXISTS', `${path} already exists (use --force to replace it)`);
  return path;
}

/** Renders the report of `session` into `options.out` and journals it (unless read-only). */
export async function exportReport(session: CaseSession, options: ExportReportOptions): Promise<ExportReportResult> {
  const out = assertWritableOutput(options.out, options.force, session.file);
  const timeZone = options.timeZone ?? session.info().timeZone;
  assertTimeZone(timeZone);
  const selection = { time_zone: timeZone, only_tagged: options.onlyTagged ?? false, tags: options.tags ?? [] };
  if (!session.readOnly) {
    // Derived indexes (sessions, IP flags) are brought up to date before the head, so a read-only
    // copy of the case at that head renders the same report.
    refreshBeforeHead(session.db);
    session.journal.append('report.generate', { out, ...selection });
  }
  const rendered = await renderReport(session, out, { ...options, timeZone });
  if (!session.readOnly) {
    session.journal.append('report.export', {
      out,
      sha256: rendered.sha256,
      bytes: rendered.bytes,
      pages: rendered.pages,
      journal_seq: rendered.head.seq,
      journal_head: rendered.head.hash,
      ...selection,
    });
  }
  return { ...rendered, journaled: !session.readOnly };
}
