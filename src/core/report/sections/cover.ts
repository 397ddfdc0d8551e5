/** The cover: which case, who, when (the journal head), and the head hash that seals it. */
import { MAILTRAIL_VERSION } from '../../../shared/version';
import type { ReportContext } from '../context';
import type { ReportDoc } from '../pdf/document';

/** Key figures shown on the cover. */
export interface CoverFigures {
  findings: string;
  tagged: string;
  evidence: string;
  events: string;
  span: string;
}

/** Draws the cover page (page 1). */
export function renderCover(doc: ReportDoc, ctx: ReportContext, figures: CoverFigures): void {
  const { info, head, selection } = ctx;
  doc.addPage();
  doc.y = 120;
  doc.para('MAILTRAIL INVESTIGATION REPORT', { font: 'bold', size: 11, color: '#555555', gap: 14 });
  doc.para(info.name, { font: 'bold', size: 24, gap: 6 });
  doc.para(info.number ? `Case number ${info.number}` : 'No case number', { size: 13, color: '#333333', gap: 28 });
  doc.keyValues(
    [
      ['Case id', info.id, { mono: true }],
      ['Examiner', info.examiner],
      ['Case created', ctx.time(info.createdAtUs, 0)],
      ['Generated at', `${ctx.time(head.atUs, 0)} (journal entry ${head.seq}, ${head.action} by ${head.examiner})`],
      ['Display time zone', `${selection.timeZone}: every time in this report carries its UTC offset`],
      ['Tool', `Mailtrail ${MAILTRAIL_VERSION}`],
      [
        'Selection',
        selection.tags.length > 0
          ? `events tagged ${selection.tags.join(', ')}`
          : selection.onlyTagged
            ? 'tagged events only'
            : 'all tagged and starred events',
      ],
    ],
    120,
    10,
  );
  doc.y += 14;
  doc.para('Journal head (SHA-256)', { font: 'bold', size: 10, gap: 3 });
  doc.para(head.hash, { font: 'mono', size: 10.5, gap: 3 });
  doc.note(
    `The custody journal holds ${head.seq} hash-chained entries up to the head above. Everything in this report describes the case as of that entry; compare the head with the one in the package manifest or the one you were given.`,
  );
  doc.y += 14;
  doc.para('At a glance', { font: 'bold', size: 10, gap: 4 });
  doc.keyValues(
    [
      ['Findings', figures.findings],
      ['Tagged events', figures.tagged],
      ['Evidence', figures.evidence],
      ['Events', figures.events],
      ['Time span of events', figures.span],
    ],
    120,
    10,
  );
}
