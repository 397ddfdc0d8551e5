/**
 * Scope: what the case covers (sources, time ranges, users) and, as facts, what it cannot cover
 * (collection gaps recorded by the collectors, and the services' documented retention limits).
 */
import { sourceSpans, topUsers } from '../../store/report-repo';
import type { ReportContext } from '../context';
import type { ReportDoc } from '../pdf/document';
import type { CollectionFacts } from '../sources/collection';

/** Documented look-back of each source family (the Mailtrail source reference, section by section). */
const RETENTION: Record<string, string> = {
  ual: 'Unified Audit Log: Purview Audit Standard keeps 180 days (90 days before October 2023); Audit Premium 1 year by default, up to 10 years with an add-on. The Management Activity API serves content for 7 days only.',
  signin: 'Entra sign-ins: 7 days on Entra ID Free, 30 days on P1/P2; reading them through Graph needs P1 or P2.',
  'directory-audit': 'Entra directory audits: 7 days on Entra ID Free, 30 days on P1/P2.',
  activities: 'Outlook REST Activities: the API was retired in 2018; only existing exports can be examined.',
  'mailbox-state':
    'Mailbox state (rules, forwarding, consent grants) is a snapshot at collection time: earlier states are not kept by the service.',
};

const SOURCE_NAMES: Record<string, string> = {
  ual: 'Unified Audit Log',
  signin: 'Entra sign-ins',
  'directory-audit': 'Entra directory audits',
  activities: 'Outlook Activities (2018)',
  'mailbox-state': 'Mailbox state',
  manual: 'Examiner-added',
};

/** Human name of a source family. */
export function sourceName(source: string): string {
  return SOURCE_NAMES[source] ?? source;
}

/** Draws the scope section; `incomplete` counts the evidence items marked incomplete (`warningsByEvidence`). */
export function renderScope(doc: ReportDoc, ctx: ReportContext, collection: CollectionFacts, incomplete: number): void {
  doc.heading('Scope');
  doc.para(
    'What the case holds, per source family, with the earliest and latest event time, and who appears in it. Events an examiner added by hand are listed separately.',
  );
  doc.heading('Sources and time ranges', 2);
  const spans = sourceSpans(ctx.db);
  doc.table(
    doc.fit([
      { header: 'Source', width: 150 },
      { header: 'Events', width: 60, align: 'right' },
      { header: 'Earliest event', width: 145 },
      { header: 'Latest event', width: 145 },
    ]),
    spans.map((s) => ({ cells: [sourceName(s.source), s.events.toLocaleString('en-US'), ctx.time(s.firstUs, 0), ctx.time(s.lastUs, 0)] })),
  );

  doc.heading('Users', 2);
  const actors = topUsers(ctx.db, 'actor', 40);
  const mailboxes = topUsers(ctx.db, 'mailbox', 40);
  doc.para(
    `${actors.total.toLocaleString('en-US')} distinct actors and ${mailboxes.total.toLocaleString('en-US')} distinct mailboxes appear in the events.` +
      (actors.total > actors.rows.length ? ` The ${actors.rows.length} most active actors:` : ''),
  );
  doc.table(
    doc.fit([
      { header: 'Actor', width: 190 },
      { header: 'Events', width: 50, align: 'right' },
      { header: 'First', width: 130 },
      { header: 'Last', width: 130 },
    ]),
    actors.rows.map((r) => ({ cells: [r.value, r.events.toLocaleString('en-US'), ctx.time(r.firstUs, 0), ctx.time(r.lastUs, 0)] })),
  );
  if (mailboxes.rows.length > 0) {
    doc.table(
      doc.fit([
        { header: 'Mailbox acted on', width: 200 },
        { header: 'Events', width: 60, align: 'right' },
        { header: 'First', width: 120 },
        { header: 'Last', width: 120 },
      ]),
      mailboxes.rows.map((r) => ({ cells: [r.value, r.events.toLocaleString('en-US'), ctx.time(r.firstUs, 0), ctx.time(r.lastUs, 0)] })),
    );
  }

  doc.heading('Collection runs', 2);
  if (!collection.available || collection.runs.length === 0) {
    doc.para('No online collection was run in this case: all evidence was imported from files (see the evidence inventory).');
  } else {
    doc.table(
      doc.fit([
        { header: 'Run', width: 60, font: 'mono' },
        { header: 'Started', width: 125 },
        { header: 'Finished', width: 125 },
        { header: 'State', width: 70 },
        { header: 'Sources', width: 120 },
      ]),
      collection.runs.map((r) => ({
        cells: [r.id.slice(0, 8), ctx.time(r.startedAtUs, 0), ctx.time(r.finishedAtUs, 0), r.state, r.sources.join(', ')],
        detail: [
          `Tenant ${r.tenant} (${r.cloud} cloud, ${r.authMode})`,
          `requested ${ctx.time(r.fromUs, 0)} to ${ctx.time(r.toUs, 0)}`,
          r.users.length > 0 ? `users: ${r.users.join(', ')}` : 'all users',
          r.error ? `error: ${r.error}` : '',
        ]
          .filter(Boolean)
          .join(' \u00B7 '),
      })),
      { detailFont: 'sans' },
    );
  }

  doc.heading('Collection gaps and retention limits', 2);
  doc.para(
    'Facts about what is not in the case. Gaps are recorded by the collectors when the service withheld data (look-back horizon, retention, throttling, truncation, refusals); each was journaled when it was recorded.',
  );
  if (!collection.available || collection.gaps.length === 0) {
    doc.para(collection.available ? 'No open collection gaps were recorded.' : 'This case has no collection records.');
  } else {
    doc.table(
      doc.fit([
        { header: 'Source', width: 55 },
        { header: 'Kind', width: 65 },
        { header: 'From', width: 125 },
        { header: 'To', width: 125 },
        { header: 'Target', width: 130 },
      ]),
      collection.gaps.map((g) => ({
        cells: [g.source, g.kind, ctx.time(g.fromUs, 0), ctx.time(g.toUs, 0), g.target ?? '\u2014'],
        detail: `${g.detail} (recorded ${ctx.time(g.recordedAtUs, 0)}, journal entry ${g.custodySeq}${g.evidenceId !== null ? `, evidence item ${g.evidenceId}` : ''})`,
      })),
      { detailFont: 'sans', maxDetailLines: 6 },
    );
  }
  if (incomplete > 0) {
    doc.para(
      `${incomplete.toLocaleString('en-US')} imported evidence item${incomplete === 1 ? '' : 's'} look${incomplete === 1 ? 's' : ''} incomplete (a row count at a portal or cmdlet limit, a search that reported more results than the file holds, a page whose next page was not imported, or a file cut off or damaged): marked INCOMPLETE EXPORT in the evidence inventory.`,
    );
  }
  const present = spans.map((s) => s.source).filter((s) => RETENTION[s]);
  if (present.length > 0) {
    doc.para('Documented retention of the sources in this case (what the service could still have provided when it was acquired):', {
      gap: 2,
    });
    doc.bullets(present.map((s) => RETENTION[s]!));
  }
}
