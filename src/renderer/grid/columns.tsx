/** Columns of the events grid: what each shows, its width, and how it sorts client-side. */
import type { ReactNode } from 'react';
import type { EventListItem } from '../../shared/model/analysis';
import { formatUs } from '../lib/time';

export interface Column {
  id: string;
  label: string;
  width: number;
  /** Sort key for client-side sorting (small results). */
  key: (e: EventListItem) => string | number;
  render: (e: EventListItem, zone: string) => ReactNode;
}

const text = (v: string | number | null | undefined) =>
  v === null || v === undefined || v === '' ? <span className="muted">—</span> : String(v);

export const COLUMNS: Column[] = [
  {
    id: 'star',
    label: '★',
    width: 28,
    key: (e) => (e.starred ? 1 : 0),
    render: (e) => (e.starred ? <span className="star on">★</span> : ''),
  },
  {
    id: 'time',
    label: 'Time',
    width: 232,
    key: (e) => e.tsUs,
    render: (e, zone) => <span className="mono">{formatUs(e.tsUs, zone, 3)}</span>,
  },
  { id: 'source', label: 'Source', width: 92, key: (e) => e.source, render: (e) => e.source },
  {
    id: 'category',
    label: 'Category',
    width: 104,
    key: (e) => e.category,
    render: (e) => <span className={`cat cat-${e.category}`}>{e.category}</span>,
  },
  { id: 'operation', label: 'Operation', width: 180, key: (e) => e.operation, render: (e) => e.operation },
  { id: 'actor', label: 'Actor', width: 200, key: (e) => e.actor ?? '', render: (e) => text(e.actor) },
  { id: 'mailbox', label: 'Mailbox', width: 200, key: (e) => e.mailbox ?? '', render: (e) => text(e.mailbox) },
  { id: 'ip', label: 'IP', width: 130, key: (e) => e.clientIp ?? '', render: (e) => <span className="mono">{text(e.clientIp)}</span> },
  { id: 'country', label: 'Ctry', width: 50, key: (e) => e.country ?? '', render: (e) => text(e.country) },
  { id: 'asn', label: 'ASN', width: 180, key: (e) => e.asOrg ?? '', render: (e) => (e.asn ? `AS${e.asn} ${e.asOrg ?? ''}` : text(null)) },
  {
    id: 'result',
    label: 'Result',
    width: 76,
    key: (e) => e.result ?? '',
    render: (e) => <span className={e.result === 'failure' ? 'bad' : ''}>{text(e.result)}</span>,
  },
  { id: 'object', label: 'Object', width: 200, key: (e) => e.object ?? '', render: (e) => text(e.object) },
  { id: 'clientApp', label: 'Client app', width: 140, key: (e) => e.clientApp ?? '', render: (e) => text(e.clientApp) },
  { id: 'userAgent', label: 'User agent', width: 240, key: (e) => e.userAgent ?? '', render: (e) => text(e.userAgent) },
  { id: 'appId', label: 'App id', width: 150, key: (e) => e.appId ?? '', render: (e) => <span className="mono">{text(e.appId)}</span> },
  {
    id: 'session',
    label: 'Session',
    width: 150,
    key: (e) => e.sessionId ?? '',
    render: (e) => <span className="mono">{text(e.sessionId)}</span>,
  },
  { id: 'recordType', label: 'Record type', width: 140, key: (e) => e.recordType ?? '', render: (e) => text(e.recordType) },
  { id: 'summary', label: 'Summary', width: 380, key: (e) => e.summary, render: (e) => e.summary },
  {
    id: 'tags',
    label: 'Tags',
    width: 150,
    key: (e) => e.tags.join(','),
    render: (e) =>
      e.tags.map((t) => (
        <span key={t} className="badge tag">
          {t}
        </span>
      )),
  },
  { id: 'comments', label: 'Cmt', width: 34, key: (e) => e.comments, render: (e) => (e.comments ? String(e.comments) : '') },
  {
    id: 'evidence',
    label: 'Evidence',
    width: 90,
    key: (e) => e.evidenceId * 1e9 + e.recordIndex,
    render: (e) => <span className="mono">{`${e.evidenceId}:${e.recordIndex}`}</span>,
  },
];

export const DEFAULT_COLUMNS = ['star', 'time', 'category', 'operation', 'actor', 'ip', 'country', 'result', 'summary', 'tags'];

/** Columns by id, in the given order (unknown ids dropped). */
export function columnsFor(ids: readonly string[]): Column[] {
  return ids.map((id) => COLUMNS.find((c) => c.id === id)).filter((c): c is Column => c !== undefined);
}
