/** Client IP addresses with country and ASN, and the enrichment databases those come from. */
import type { TimelineEvent } from '../../../shared/model/event';
import { ipAddressRow } from '../../store/derived-repo';
import { ipRows, ipRowsFor, type IpRow } from '../../store/report-repo';
import type { ReportContext } from '../context';
import type { ReportDoc } from '../pdf/document';
import type { AnalysisReads } from '../sources/analysis';

/** IPs listed by event count before the rest are only counted. */
const TOP_IPS = 300;

/** Flags and place the enricher recorded for an IP (hosting, Microsoft, private, city), if any. */
function ipNotes(ctx: ReportContext, ip: string): string | undefined {
  let row: ReturnType<typeof ipAddressRow>;
  try {
    row = ipAddressRow(ctx.db, ip);
  } catch (err) {
    if (/no such table/.test((err as Error).message)) return undefined;
    throw err;
  }
  if (!row) return undefined;
  const place = [row.city, row.region].filter(Boolean).join(', ');
  const parts = [row.flags ? `flags: ${row.flags.split(',').join(', ')}` : '', place ? `location: ${place}` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' \u00B7 ') : undefined;
}

/** Draws the IP section. IPs of the selected events are always listed, whatever their count. */
export function renderIps(doc: ReportDoc, ctx: ReportContext, analysis: AnalysisReads, selected: TimelineEvent[]): void {
  doc.heading('IP addresses');
  const { total, rows } = ipRows(ctx.db, TOP_IPS);
  const listed = new Set(rows.map((r) => r.ip));
  const extra = [...new Set(selected.map((e) => e.clientIp).filter((ip): ip is string => ip !== null && !listed.has(ip)))].sort();
  const all: IpRow[] = [...rows, ...ipRowsFor(ctx.db, extra)];
  const selectedIps = new Set(selected.map((e) => e.clientIp));
  doc.para(
    total === 0
      ? 'No event carries a client IP address.'
      : `${total.toLocaleString('en-US')} distinct client IP addresses. ${
          total > all.length ? `Listed: the ${rows.length} most frequent and every IP of a selected tagged or starred event. ` : ''
        }Country and autonomous system (ASN) come from the offline databases below, as of their version; a marker in the margin flags IPs of selected events.`,
  );
  if (all.length > 0) {
    doc.table(
      doc.fit([
        { header: 'IP address', width: 130, font: 'mono' },
        { header: 'Country', width: 45 },
        { header: 'ASN', width: 60 },
        { header: 'AS organisation', width: 170 },
        { header: 'Events', width: 50, align: 'right' },
        { header: 'Users', width: 44, align: 'right' },
      ]),
      all.map((r) => ({
        cells: [
          r.ip,
          r.country ?? '\u2014',
          r.asn !== null ? `AS${r.asn}` : '\u2014',
          r.asOrg ?? '\u2014',
          r.events.toLocaleString('en-US'),
          String(r.users),
        ],
        mark: selectedIps.has(r.ip) ? '#c0392b' : undefined,
        detail: [`first seen ${ctx.time(r.firstUs, 0)}`, `last seen ${ctx.time(r.lastUs, 0)}`, ipNotes(ctx, r.ip)]
          .filter(Boolean)
          .join(' \u00B7 '),
      })),
      { size: 7, maxLines: 2 },
    );
  }
  doc.heading('Enrichment databases', 2);
  const sources = analysis.enrichment.list();
  if (!analysis.enrichment.available || sources.length === 0) {
    doc.para('No enrichment database is recorded in this case: countries and ASNs shown, if any, were provided by the sources themselves.');
    return;
  }
  doc.table(
    doc.fit([
      { header: 'Database', width: 160 },
      { header: 'Version', width: 75 },
      { header: 'Build date', width: 58 },
      { header: 'Provides', width: 95 },
      { header: 'Licence', width: 110 },
    ]),
    sources.map((s) => ({
      cells: [s.name, s.version, s.buildDate ?? '\u2014', s.provides.join(', '), s.license],
      detail: s.sha256 ? `SHA-256 ${s.sha256}` : undefined,
    })),
    { detailFont: 'mono' },
  );
}
