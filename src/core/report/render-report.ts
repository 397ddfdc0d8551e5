/**
 * The PDF report: a deterministic rendering of the case as of its journal head. The same case
 * (same head, same options) gives the same bytes on every machine: document dates come from the
 * head entry, the PDF ID from the laid-out content, fonts from `resources/fonts`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MailtrailError } from '../../shared/errors';
import { MAILTRAIL_VERSION } from '../../shared/version';
import type { CaseSession } from '../case/case-file';
import { eventSpan, eventsByIds } from '../store/report-repo';
import { reportContext, type ReportOptions } from './context';
import { ReportDoc } from './pdf/document';
import { renderCover } from './sections/cover';
import { renderCustodyAppendix, renderCustodySummary } from './sections/custody';
import { warningsByEvidence } from '../ingest/case-completeness';
import { renderEvidence } from './sections/evidence';
import { renderExaminerAdded, renderMarkedEvents } from './sections/events';
import { orderedFindings, renderFindings, severityLine } from './sections/findings';
import { renderIps } from './sections/ips';
import { renderMethodology } from './sections/methodology';
import { renderScope } from './sections/scope';
import { renderSessions } from './sections/sessions';
import { renderTimeline } from './sections/timeline';
import { analysisOf } from './sources/analysis';
import { annotationsOf } from './sources/annotations';
import { collectionOf } from './sources/collection';

export type { ReportOptions } from './context';

/** What {@link renderReport} wrote. */
export interface RenderedReport {
  out: string;
  bytes: number;
  sha256: string;
  pages: number;
  /** The journal head the report describes. */
  head: { seq: number; hash: string };
  timeZone: string;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Renders the report of `session` to `out` (written to a temporary name, then renamed). Reads
 * only; journaling is the caller's business ({@link exportReport}, packaging).
 */
export async function renderReport(session: CaseSession, out: string, options: ReportOptions = {}): Promise<RenderedReport> {
  const ctx = reportContext(session, options);
  const { info, head, selection } = ctx;
  const annotations = annotationsOf(ctx.db);
  const analysis = analysisOf(ctx.db);
  const collection = collectionOf(ctx.db);
  // Read once from the journal: the scope counts them, the inventory lists them.
  const incomplete = warningsByEvidence(ctx.db);
  const selected = annotations.available ? eventsByIds(ctx.db, annotations.selectedEventIds(selection)) : [];
  const notes = annotations.notesFor(selected.map((e) => e.id));
  const taggedTimes = selected.filter((e) => (notes.get(e.id)?.tags.length ?? 0) > 0).map((e) => e.tsUs);
  const findings = analysis.findings.available ? orderedFindings(analysis) : [];
  const span = eventSpan(ctx.db);

  const partial = join(dirname(out), `.${basename(out)}.partial`);
  const label = info.number ? `Case ${info.number}` : `Case ${info.id.slice(0, 8)}`;
  const doc = new ReportDoc(partial, {
    title: `Mailtrail report: ${info.name}${info.number ? ` (${info.number})` : ''}`,
    author: info.examiner,
    subject: `Investigation report, case ${info.number ?? info.id}, journal head ${head.hash}`,
    keywords: `mailtrail, case ${info.id}, journal ${head.seq} ${head.hash}`,
    creator: `Mailtrail ${MAILTRAIL_VERSION}`,
    date: new Date(Math.floor(head.atUs / 1000)),
    headerLeft: `${label} \u00B7 ${info.name}`,
    headerRight: 'Mailtrail investigation report',
    footerLeft: `Journal head ${head.hash.slice(0, 16)}\u2026 (entry ${head.seq}) \u00B7 times in ${selection.timeZone}`,
  });
  try {
    renderCover(doc, ctx, {
      findings: analysis.findings.available ? severityLine(findings) : 'no analyzers in this build',
      tagged: annotations.available ? `${taggedTimes.length.toLocaleString('en-US')} selected` : 'no annotations in this build',
      evidence: `${info.evidence.items.toLocaleString('en-US')} items, ${info.evidence.bytes.toLocaleString('en-US')} bytes`,
      events: info.events.toLocaleString('en-US'),
      span: span ? `${ctx.time(span.firstUs, 0)} to ${ctx.time(span.lastUs, 0)}` : 'no events',
    });
    doc.reserveContentsPage();
    doc.addPage();
    renderScope(doc, ctx, collection, incomplete.size);
    renderEvidence(doc, ctx, incomplete);
    renderFindings(doc, ctx, analysis, annotations);
    renderTimeline(doc, ctx, taggedTimes);
    renderMarkedEvents(doc, ctx, annotations, selected, notes);
    renderExaminerAdded(doc, ctx, annotations);
    renderSessions(doc, ctx, analysis);
    renderIps(doc, ctx, analysis, selected);
    renderMethodology(doc, ctx);
    renderCustodySummary(doc, ctx);
    renderCustodyAppendix(doc, ctx);
    const { pages } = await doc.end();
    renameSync(partial, out);
    return {
      out,
      bytes: statSync(out).size,
      sha256: await sha256File(out),
      pages,
      head: { seq: head.seq, hash: head.hash },
      timeZone: selection.timeZone,
    };
  } catch (err) {
    rmSync(partial, { force: true });
    if (err instanceof MailtrailError) throw err;
    throw new MailtrailError('INTERNAL', `report rendering failed: ${(err as Error).message}`);
  }
}
