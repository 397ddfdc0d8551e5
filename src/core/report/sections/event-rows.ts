/** How an event is shown in the report's tables (one row, optional notes under it). */
import type { TimelineEvent } from '../../../shared/model/event';
import type { ReportContext } from '../context';
import type { Column, ReportDoc, Row } from '../pdf/document';
import type { EventNotes } from '../sources/annotations';

/** Table options for event tables (the summary line is in the detail font). */
export const EVENT_TABLE = { size: 7, maxLines: 2, maxDetailLines: 10, detailFont: 'sans' } as const;

/** Columns of an event table. */
export function eventColumns(doc: ReportDoc): Column[] {
  return doc.fit([
    { header: 'Time', width: 126 },
    { header: 'Source \u00B7 operation', width: 100 },
    { header: 'Actor \u2192 mailbox', width: 152 },
    { header: 'Client IP (country, ASN)', width: 121 },
  ]);
}

/** The IP with its enrichment, e.g. `203.0.113.7 (NL, AS1136)`. */
export function ipLabel(ev: Pick<TimelineEvent, 'clientIp' | 'country' | 'asn'>): string {
  if (!ev.clientIp) return '\u2014';
  const extra = [ev.country, ev.asn !== null ? `AS${ev.asn}` : null].filter(Boolean).join(', ');
  return extra ? `${ev.clientIp} (${extra})` : ev.clientIp;
}

/** Notes as one detail line: tags, star, comments. */
export function notesLine(ctx: ReportContext, notes: EventNotes | undefined): string | undefined {
  if (!notes) return undefined;
  const parts: string[] = [];
  if (notes.tags.length > 0) parts.push(`Tags: ${notes.tags.map((t) => t.name).join(', ')}`);
  if (notes.starred) parts.push('\u2605 starred');
  for (const c of notes.comments) parts.push(`Comment by ${c.author}, ${ctx.time(c.atUs, 0)}: ${c.text}`);
  return parts.length > 0 ? parts.join(' \u00B7 ') : undefined;
}

/** One table row for an event: its fields, then `#id summary`, extra text and notes on the line under them. */
export function eventRow(ctx: ReportContext, ev: TimelineEvent, notes?: EventNotes, extra?: string): Row {
  const who = ev.mailbox && ev.mailbox !== ev.actor ? `${ev.actor ?? '\u2014'} \u2192 ${ev.mailbox}` : (ev.actor ?? ev.mailbox ?? '\u2014');
  const detail = [`#${ev.id} ${ev.summary}`, extra, notesLine(ctx, notes)].filter(Boolean).join(' \u00B7 ');
  return {
    cells: [ctx.time(ev.tsUs), `${ev.source} \u00B7 ${ev.operation}`, who, ipLabel(ev)],
    detail,
    mark: notes?.tags[0]?.color,
  };
}
