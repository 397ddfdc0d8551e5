/**
 * CSV of events for spreadsheets (RFC 4180 quoting by csv-stringify). Text cells that a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return)
 * get a leading apostrophe, the OWASP recommendation; the JSONL export keeps every value as is.
 * The raw record is left out (spreadsheet cells hold at most 32,767 characters): use JSONL for it.
 */
import { stringify } from 'csv-stringify/sync';
import type { ExportRecord } from './rows';

/** Columns in order. */
export const CSV_COLUMNS = [
  'id',
  'time',
  'ts_us',
  'source',
  'record_type',
  'operation',
  'category',
  'actor',
  'mailbox',
  'client_ip',
  'country',
  'asn',
  'as_org',
  'user_agent',
  'client_app',
  'app_id',
  'session_id',
  'token_id',
  'device_id',
  'result',
  'object',
  'summary',
  'record_key',
  'evidence_id',
  'record_index',
  'examiner_added',
  'tags',
  'starred',
  'comments',
  'attrs',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralises a text cell a spreadsheet would evaluate. */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The header line. */
export function csvHeader(): string {
  return stringify([CSV_COLUMNS as unknown as string[]], { record_delimiter: '\r\n' });
}

/** One CSV line (ending in CRLF) for a record. */
export function csvLine(r: ExportRecord): string {
  const text = (v: string | null): string => (v === null ? '' : guardFormula(v));
  const cells: (string | number)[] = [
    r.id,
    r.time,
    r.ts_us,
    text(r.source),
    text(r.record_type),
    text(r.operation),
    text(r.category),
    text(r.actor),
    text(r.mailbox),
    text(r.client_ip),
    text(r.country),
    r.asn ?? '',
    text(r.as_org),
    text(r.user_agent),
    text(r.client_app),
    text(r.app_id),
    text(r.session_id),
    text(r.token_id),
    text(r.device_id),
    text(r.result),
    text(r.object),
    text(r.summary),
    text(r.record_key),
    r.evidence_id,
    r.record_index,
    r.examiner_added ? 'true' : 'false',
    text(r.tags.join('; ')),
    r.starred ? 'true' : 'false',
    text(r.comments.map((c) => `${c.author} @ ${c.time}: ${c.text}`).join(' | ')),
    text(JSON.stringify(r.attrs)),
  ];
  return stringify([cells], { record_delimiter: '\r\n' });
}
