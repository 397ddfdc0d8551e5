/**
 * Format detection from the start of the decoded text: JSON containers are recognised by the shape
 * of their first records (and a Graph page's `@odata.context`), CSV exports by their header.
 */
import type { FormatId } from '../../shared/model/ingest';
import { isObj, type Obj } from '../normalize/values';
import { csvFormatOf, headerNames } from './csv-records';
import { classifyJson, formatOfKind } from './json-records';
import { csvPreamble, CsvTokenizer, sniffDelimiter } from './readers/csv';
import { JsonRecordScanner, wholeRecordInside } from './readers/json';
import type { TextInfo } from './text';

const CSV_FORMATS = new Set<FormatId>(['purview-csv', 'ual-powershell-csv', 'entra-signin-csv', 'activities-csv', 'office-activity-csv']);

/** True for formats read as CSV. */
export function isCsvFormat(f: FormatId): boolean {
  return CSV_FORMATS.has(f);
}

/** Result of detection: a format, or why none was found. */
export type Detection =
  | { format: FormatId; reason?: undefined; reference?: undefined; more?: undefined }
  | {
      format: null;
      reason: string;
      reference?: undefined;
      /** True when the sample ends inside the first record: more text may tell. */
      more?: true;
    }
  /** Reference data of an acquisition (no events): kept as evidence, not an import failure. */
  | { format: null; reason: string; reference: string; more?: undefined };

/**
 * Graph collections an acquisition saves beside the event sources that hold no activity: the
 * mailbox's folder list (names for the folder ids of inbox rules) and the tenant's service
 * principals (names, publishers and owners for the client ids of consent grants).
 */
const REFERENCE_HINTS: [RegExp, string][] = [
  [/\/mailFolders(\('[^']*'\))?(\/childFolders)?(\/\$entity)?$/i, 'Microsoft Graph mailFolders'],
  [/#servicePrincipals(\/\$entity)?$/i, 'Microsoft Graph servicePrincipals'],
];

/**
 * What a Management Activity API content list (`/subscriptions/content`) or webhook notification
 * is called: the blobs that were available (`contentUri`, `contentCreated`, `contentExpiration`),
 * not the records in them. Worth keeping beside the blobs as what the pull saw; it holds no events.
 */
const CONTENT_LIST = 'Office 365 Management Activity API content list or notification';

/** True for an entry of a content list or notification (it names a blob, it is not a record). */
function isContentListEntry(rec: Obj): boolean {
  return typeof rec['contentUri'] === 'string' && typeof rec['contentId'] === 'string' && typeof rec['contentType'] === 'string';
}

/** Detection of reference data called `what`: kept as evidence, reported with a note, not a failure. */
function reference(what: string): Detection {
  return { format: null, reference: what, reason: `${what}: reference data, kept as evidence (no events)` };
}

/** Most keys of an unrecognised record named in the reason (enough to tell what the file is). */
const KEYS_SHOWN = 8;
/** Longest key named as it is; longer ones are cut (a reason is one line). */
const KEY_CHARS = 40;

/** The keys of an unrecognised record, for the reason: `input, expected`, or `none` for `{}`. */
function keysOf(rec: Obj): string {
  const keys = Object.keys(rec);
  if (keys.length === 0) return 'none (an empty object)';
  const shown = keys.slice(0, KEYS_SHOWN).map((k) => {
    const clean = JSON.stringify(k).slice(1, -1); // control characters as escapes
    return clean.length > KEY_CHARS ? `${clean.slice(0, KEY_CHARS)}…` : clean;
  });
  return shown.join(', ') + (keys.length > KEYS_SHOWN ? `, … (${keys.length} keys)` : '');
}

function referenceOf(odata: string): Detection | null {
  for (const [re, what] of REFERENCE_HINTS) if (re.test(odata)) return reference(what);
  return null;
}

const CONTEXT_HINTS: [RegExp, FormatId][] = [
  [/auditLogs\/signIns/i, 'graph-signins'],
  [/auditLogs\/directoryAudits/i, 'graph-directory-audits'],
  [/auditLog\/queries\([^)]*\)\/records|auditLogRecord/i, 'graph-audit-records'],
  [/messageRules/i, 'graph-message-rules'],
  [/mailboxSettings/i, 'graph-mailbox-settings'],
  [/oauth2PermissionGrants/i, 'graph-oauth2-grants'],
  [/Activities/i, 'activities-json'],
];

/** Only brackets, commas and white space: `[]`, or `[[], []]` as `jq -s` writes empty content blobs. */
const EMPTY_ARRAYS = /^\[[\s[\],]*$/;

/** A sample's size for a reason: `256 KiB`, `16 MiB`. */
function mib(chars: number): string {
  return chars < 1 << 20 ? `${Math.round(chars / 1024)} KiB` : `${Math.round(chars / (1 << 20))} MiB`;
}

function detectJson(sample: string, complete: boolean): Detection {
  const scanner = new JsonRecordScanner();
  const items = scanner.push(sample);
  // Ended even when the sample is cut short: a first line longer than the sample (a page or an Event
  // Hub batch on one line) waits for its end to tell JSON Lines from a stream, and a first record
  // that never closes is searched for the records after it only at the end. In JSON Lines the end
  // only adds the line the sample cuts.
  const tail = scanner.end();
  if (complete || !scanner.isLines()) items.push(...tail);
  const ctxText = scanner.pageMeta()?.['@odata.context'];
  const paged = scanner.pageMeta() !== null;
  let unparsed = 0;
  let firstKeys: string | null = null;
  for (const item of items.slice(0, 20)) {
    if (item.error) continue;
    let v: unknown = item.value;
    if (v === undefined)
      try {
        v = JSON.parse(item.text);
      } catch {
        unparsed++;
        // A stray quote in the first record merges it with the ones after it: read one of those.
        v = wholeRecordInside(item.text);
        if (v === undefined) continue;
      }
    let recs: unknown[] = Array.isArray(v) ? v : [v];
    let pageOnLine = false;
    if (isObj(v) && classifyJson(v) === null) {
      const inner = Array.isArray(v['value']) ? v['value'] : Array.isArray(v['records']) ? v['records'] : null;
      if (inner) {
        recs = inner;
        pageOnLine = true;
        const odata = v['@odata.context'];
        if (inner.length === 0 && typeof odata === 'string') for (const [re, f] of CONTEXT_HINTS) if (re.test(odata)) return { format: f };
      }
    }
    for (const rec of recs.slice(0, 5)) {
      if (!isObj(rec)) continue;
      const kind = classifyJson(rec as Obj);
      if (kind) return { format: formatOfKind(kind, paged || pageOnLine) };
      if (isContentListEntry(rec as Obj)) return reference(CONTENT_LIST);
      firstKeys ??= keysOf(rec as Obj);
      const odata = (rec as Obj)['@odata.context'];
      if (typeof odata === 'string') {
        for (const [re, f] of CONTEXT_HINTS) if (re.test(odata)) return { format: f };
      }
    }
  }
  if (typeof ctxText === 'string') {
    for (const [re, f] of CONTEXT_HINTS) if (re.test(ctxText)) return { format: f };
    const ref = referenceOf(ctxText);
    if (ref) return ref;
  }
  // A sample cut inside its first record (one page record longer than the sample) says nothing of the rest.
  if (!complete && !items.some((i) => !i.error))
    return {
      format: null,
      more: true,
      reason: `JSON data without a complete record in its first ${mib(sample.length)} (a record that large, or not JSON); give --format to read it anyway`,
    };
  if (items.length === 0 && paged) return { format: null, reason: 'a JSON page with no records; give --format to import it' };
  if (items.length === 0 && EMPTY_ARRAYS.test(sample))
    return { format: null, reason: 'a JSON array with no records (an empty export); give --format to import it' };
  if (items.length === 0) return { format: null, reason: 'JSON data without a record (not JSON?); give --format to read it anyway' };
  const seen = firstKeys === null ? '' : `; the first has the keys ${firstKeys}`;
  return { format: null, reason: `JSON records of an unknown kind${unparsed ? ' (or not valid JSON)' : ''}${seen}` };
}

function detectCsv(sample: string): Detection {
  // The lines the reader passes over before the header (`csvPreamble`); a separator line that names
  // no usable delimiter is the reader's to refuse, with its reason.
  const { length, sep } = csvPreamble(sample);
  const body = sample.slice(length);
  const firstLine = body.slice(0, body.indexOf('\n') < 0 ? body.length : body.indexOf('\n'));
  const tok = new CsvTokenizer(sep !== null && sep.length === 1 && sep !== '"' ? sep : sniffDelimiter(firstLine));
  const rows = tok.push(body);
  if (rows.length === 0) tok.end(rows);
  const header = rows[0];
  if (!header || header.fields.length < 2) return { format: null, reason: 'neither JSON nor a CSV export with a header row' };
  const names = headerNames(header.fields);
  const f = csvFormatOf(names);
  if (f) return { format: f };
  return { format: null, reason: `CSV with unknown columns (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''})` };
}

/** Detects the format of an input from its first decoded characters. */
export function detectFormat(sample: string, info: TextInfo, bytes: number, complete = false): Detection {
  if (bytes === 0) return { format: null, reason: 'empty file (0 bytes)' };
  if (info.binary) return { format: null, reason: info.binaryReason ?? 'binary data, not a text export' };
  const trimmed = sample.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.length === 0) return { format: null, reason: 'the file holds only whitespace' };
  const c = trimmed[0];
  if (c === '{' || c === '[') return detectJson(trimmed, complete);
  return detectCsv(sample);
}
