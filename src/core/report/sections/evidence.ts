/** Evidence inventory: every sealed item with its origin, acquisition time, SHA-256 and record counts. */
import { decryptionNote, type EvidenceOrigin } from '../../../shared/model/evidence';
import { eventsByEvidence, quarantineByEvidence, sightingsByEvidence } from '../../store/report-repo';
import type { ReportContext } from '../context';
import type { ReportDoc } from '../pdf/document';

/** One line describing where evidence bytes came from. */
export function describeOrigin(origin: EvidenceOrigin): string {
  switch (origin.type) {
    case 'file':
      return origin.member ? `${origin.path} \u203A ${origin.member}${decryptionNote(origin)}` : origin.path;
    case 'http': {
      const query = Object.entries(origin.query ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      return `${origin.method} ${origin.url}${query ? `?${query}` : ''} (HTTP ${origin.status})`;
    }
    case 'manual':
      return origin.description;
    default:
      return JSON.stringify(origin);
  }
}

/** Draws the evidence inventory; `warnings` are the completeness warnings per item (`warningsByEvidence`). */
export function renderEvidence(doc: ReportDoc, ctx: ReportContext, warnings: ReadonlyMap<number, string[]>): void {
  doc.heading('Evidence inventory');
  const items = ctx.session.evidence.list();
  const totals = ctx.session.evidence.totals();
  doc.para(
    `${items.length.toLocaleString('en-US')} evidence items, ${totals.bytes.toLocaleString('en-US')} bytes. Every item was stored verbatim and hashed (SHA-256) before it was parsed; its acquisition is a journal entry. "Records" are declared by the source / parsed from the item; "events" are new events first read from it; "quarantined" records could not be normalized and are kept with the reason. An item marked INCOMPLETE EXPORT was imported as it is, but its row count sits at a portal or cmdlet limit, its search reported more results than it holds, its page links to a next page that was not imported, or the file itself was cut off or damaged (read up to there): activity missing from the timeline may be missing from the evidence.`,
  );
  const quarantined = quarantineByEvidence(ctx.db);
  const events = eventsByEvidence(ctx.db);
  const sightings = sightingsByEvidence(ctx.db);
  doc.table(
    doc.fit([
      { header: '#', width: 22, align: 'right' },
      { header: 'Kind', width: 50 },
      { header: 'Origin', width: 150 },
      { header: 'Acquired', width: 122 },
      { header: 'Bytes', width: 55, align: 'right' },
      { header: 'Records decl. / parsed', width: 55, align: 'right' },
      { header: 'Events / quar.', width: 45, align: 'right' },
    ]),
    (function* () {
      for (const item of items) {
        const seen = sightings.get(item.id) ?? 0;
        yield {
          cells: [
            String(item.id),
            item.kind,
            describeOrigin(item.origin),
            ctx.time(item.acquiredAtUs, 0),
            item.bytes.toLocaleString('en-US'),
            `${item.declaredCount ?? '\u2014'} / ${item.parsedCount ?? '\u2014'}`,
            `${events.get(item.id) ?? 0} / ${quarantined.get(item.id) ?? 0}`,
          ],
          detail: [
            `SHA-256 ${item.sha256} \u00B7 journal entry ${item.custodySeq}${seen > 0 ? ` \u00B7 acquired again ${seen} time(s) (same bytes)` : ''}`,
            ...(warnings.get(item.id) ?? []).map((w) => `INCOMPLETE EXPORT: ${w}`),
          ].join(' \u00B7 '),
        };
      }
    })(),
    { maxLines: 4, detailFont: 'mono' },
  );
}
