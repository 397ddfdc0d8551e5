/** The custody journal: a summary, and the full listing as an appendix. */
import { canonicalJson } from '../../custody/canonical';
import { rowsAfter } from '../../store/custody-repo';
import { journalSummary, lastEntryWithAction } from '../../store/report-repo';
import type { ReportContext } from '../context';
import type { ReportDoc, Row } from '../pdf/document';

/** Draws the journal summary. */
export function renderCustodySummary(doc: ReportDoc, ctx: ReportContext): void {
  const { head } = ctx;
  doc.heading('Custody journal');
  const summary = journalSummary(ctx.db);
  const verification = lastEntryWithAction(ctx.db, 'custody.verify');
  let verified = 'The case has not been verified (mailtrail verify) before this report.';
  if (verification) {
    const d = JSON.parse(verification.details) as { ok?: boolean; entries?: number; evidence_items?: number };
    verified = `Last verification: journal entry ${verification.seq}, ${ctx.time(verification.at_us, 0)} by ${verification.examiner}: ${
      d.ok ? 'passed' : 'FAILED'
    } (${d.entries ?? '?'} entries, ${d.evidence_items ?? '?'} evidence items re-hashed).`;
  }
  doc.keyValues([
    ['Entries', head.seq.toLocaleString('en-US')],
    ['Head', head.hash, { mono: true }],
    ['Head entry', `${head.seq}: ${head.action} by ${head.examiner}, ${ctx.time(head.atUs)}`],
    ['Verification', verified],
  ]);
  doc.heading('Entries by action', 2);
  doc.table(
    doc.fit([
      { header: 'Action', width: 160, font: 'mono' },
      { header: 'Entries', width: 60, align: 'right' },
      { header: 'First', width: 130 },
      { header: 'Last', width: 130 },
    ]),
    summary.byAction.map((a) => ({ cells: [a.action, a.entries.toLocaleString('en-US'), ctx.time(a.firstUs, 0), ctx.time(a.lastUs, 0)] })),
  );
  doc.heading('Examiners', 2);
  doc.table(
    doc.fit([
      { header: 'Examiner', width: 160 },
      { header: 'Entries', width: 60, align: 'right' },
      { header: 'First action', width: 130 },
      { header: 'Last action', width: 130 },
    ]),
    summary.byExaminer.map((a) => ({
      cells: [a.examiner, a.entries.toLocaleString('en-US'), ctx.time(a.firstUs, 0), ctx.time(a.lastUs, 0)],
    })),
  );
}

/** Details longer than this are cut in the listing (the JSONL journal in the package has them whole). */
const MAX_DETAILS = 700;

/** Draws the appendix listing every journal entry up to the head. */
export function renderCustodyAppendix(doc: ReportDoc, ctx: ReportContext): void {
  doc.addPage();
  doc.heading('Appendix: custody journal listing');
  doc.para(
    `Every journal entry up to the head, oldest first: sequence number, time, examiner, action, details (canonical JSON) and the first 16 hex digits of the entry hash. Details longer than ${MAX_DETAILS} characters are shortened here; the journal in JSONL form holds them whole.`,
  );
  const db = ctx.db;
  const headSeq = ctx.head.seq;
  doc.table(
    doc.fit([
      { header: 'Seq', width: 34, align: 'right' },
      { header: 'Time', width: 112 },
      { header: 'Examiner', width: 80 },
      { header: 'Action', width: 100, font: 'mono' },
      { header: 'Hash', width: 88, font: 'mono' },
    ]),
    (function* (): Generator<Row> {
      for (let after = 0; after < headSeq;) {
        const page = rowsAfter(db, after, 500);
        if (page.length === 0) break;
        for (const row of page) {
          if (row.seq > headSeq) return;
          const details = canonicalJson(JSON.parse(row.details));
          yield {
            cells: [String(row.seq), ctx.time(row.at_us), row.examiner, row.action, row.hash.slice(0, 16)],
            detail: details.length > MAX_DETAILS ? `${details.slice(0, MAX_DETAILS)}\u2026 (${details.length} characters)` : details,
          };
          after = row.seq;
        }
      }
    })(),
    { size: 7, maxLines: 2, maxDetailLines: 12, detailFont: 'mono' },
  );
}
