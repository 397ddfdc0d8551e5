/** Findings: what the analyzers flagged, why it matters, what to do next, and the events behind it. */
import { eventsByIds } from '../../store/report-repo';
import type { ReportContext } from '../context';
import type { ReportDoc } from '../pdf/document';
import type { AnalysisReads, ReportFinding } from '../sources/analysis';
import type { Annotations } from '../sources/annotations';
import { EVENT_TABLE, eventColumns, eventRow } from './event-rows';

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2, info: 3 } as const;
/** Events listed per finding; the rest are counted. */
const EVENTS_PER_FINDING = 25;

/** Severity counts as one line, e.g. `2 high, 1 medium`. */
export function severityLine(findings: ReportFinding[]): string {
  if (findings.length === 0) return 'none recorded';
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return (['high', 'medium', 'low', 'info'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
}

/** Findings in report order: severity, then time, then id. */
export function orderedFindings(analysis: AnalysisReads): ReportFinding[] {
  return analysis.findings
    .list()
    .slice()
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (a.firstUs ?? 0) - (b.firstUs ?? 0) || a.id - b.id);
}

/** Draws the findings section. */
export function renderFindings(doc: ReportDoc, ctx: ReportContext, analysis: AnalysisReads, annotations: Annotations): void {
  doc.heading('Findings');
  if (!analysis.findings.available) {
    doc.para('No findings recorded: this case has no analysis records.');
    return;
  }
  const findings = orderedFindings(analysis);
  const run = analysis.findings.lastRun;
  if (findings.length === 0) {
    doc.para(
      run
        ? `No findings recorded: the analyzers last run at ${ctx.time(run.atUs, 0)} by ${run.examiner} (journal entry ${run.seq}) flagged nothing.`
        : 'No findings recorded: no analyzer has been run on this case.',
    );
    return;
  }
  if (run) doc.note(`Analyzers last run at ${ctx.time(run.atUs, 0)} by ${run.examiner} (journal entry ${run.seq}).`);
  doc.para(
    `${findings.length} findings (${severityLine(findings)}), most severe first. Each names the analyzer that raised it, why it matters and the events it rests on; findings of kind "gap" mark windows the logs cannot see into.`,
  );
  for (const f of findings) {
    doc.heading(`[${f.severity.toUpperCase()}] ${f.title}`, 3);
    doc.keyValues([
      ['Analyzer', `${f.analyzer}${f.kind === 'gap' ? ' (visibility gap)' : ''}`],
      ['Time', `${ctx.time(f.firstUs)} to ${ctx.time(f.lastUs)}`],
      ['Actors', f.actors.join(', ') || '\u2014'],
    ]);
    doc.para(`Why: ${f.why}`);
    if (f.nextSteps.length > 0) {
      doc.para('Next steps:', { font: 'bold', gap: 2 });
      doc.bullets(f.nextSteps);
    }
    const events = eventsByIds(ctx.db, f.eventIds.slice(0, EVENTS_PER_FINDING));
    const notes = annotations.notesFor(events.map((e) => e.id));
    doc.table(
      eventColumns(doc),
      events.map((e) => eventRow(ctx, e, notes.get(e.id))),
      { ...EVENT_TABLE, maxDetailLines: 4 },
    );
    if (f.eventIds.length > EVENTS_PER_FINDING) {
      doc.note(`${f.eventIds.length - EVENTS_PER_FINDING} more linked events are not listed here (see the exports).`);
    }
  }
}
