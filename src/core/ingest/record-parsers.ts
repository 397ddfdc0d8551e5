/**
 * The producing half of the import: evidence bytes → text → records of a format → normalized
 * events or quarantine reasons, handed to a {@link RecordTarget} (the writer).
 */
import { createHash } from 'node:crypto';
import type { NormalizedEvent } from '../../shared/model/event';
import type { FormatId } from '../../shared/model/ingest';
import { decodeChunk, type EvidenceCodec } from '../evidence/codec';
import { RecordError, type NormalizeContext } from '../normalize/event';
import { mailboxFromODataContext } from '../normalize/mailbox-state';
import { isObj } from '../normalize/values';
import type { Db } from '../store/database';
import { chunkAt, itemById } from '../store/evidence-repo';
import { emptySignals, notePage, noteResultCount, type CompletenessSignals } from './completeness';
import { csvFormatOf, headerNames, normalizeCsvRow, rowObject } from './csv-records';
import { detectFormat, isCsvFormat } from './detect';
import { classifyJson, normalizeJsonRecord } from './json-records';
import {
  csvPreamble,
  CsvTokenizer,
  isBlankRow,
  isPreambleRow,
  MAX_RECORD_CHARS,
  sniffDelimiter,
  type CsvRow,
  type CsvShape,
} from './readers/csv';
import { countLf, JsonRecordScanner, nextWholeRecordIn, openingKeys, wholeRecordAtLineEnd, type JsonItem } from './readers/json';
import { TextReader, type TextChunk } from './text';
import { MailtrailError } from '../../shared/errors';

/** Why an item could not be parsed at all (reported per file by `importPaths`). */
export class UnreadableEvidenceError extends MailtrailError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/**
 * Not an event source but reference data of an acquisition (`detect.ts`): the item stays stored as
 * evidence and the import reports it without counting it as a failure.
 */
export class ReferenceDataNotice extends UnreadableEvidenceError {
  constructor(
    readonly what: string,
    message: string,
  ) {
    super(message);
  }
}

/** Receives every record read, in order, with its 0-based position and a human location. */
export interface RecordTarget {
  event(index: number, location: string, ev: NormalizedEvent): void;
  reject(index: number, location: string, reason: string, raw: string | null): void;
}

const SAMPLE_CHARS = 256 * 1024;

/**
 * Final touches every event gets before it is written: an identity from its content when the
 * source has none (re-imports stay idempotent), its `attrs` serialised, and the quarantine reason
 * for text that was not valid UTF-8 or attributes that cannot be serialised (JSON decoded from a
 * string nesting thousands deep exceeds the serialiser's stack: that record, not its file, fails).
 * Returns the serialised `attrs`, or the reason.
 */
export function prepareEvent(ev: NormalizedEvent, invalidUtf8: boolean): { attrsJson: string } | { reason: string } {
  if (invalidUtf8 && ev.raw.includes('\uFFFD'))
    return { reason: 'contains bytes that are not valid UTF-8 (the file is not UTF-8 text; re-export it as UTF-8)' };
  let attrsJson: string;
  try {
    attrsJson = JSON.stringify(ev.attrs);
  } catch (err) {
    return { reason: `could not be normalized: its attributes cannot be stored (${(err as Error).message}; nested too deeply?)` };
  }
  if (ev.recordKey === null) ev.recordKey = `${ev.source}:h:${createHash('sha256').update(ev.raw).digest('hex').slice(0, 32)}`;
  return { attrsJson };
}

/** The stored (encoded) chunks of a sealed evidence item in order, and their codec. */
export function storedChunks(db: Db, evidenceId: number): { codec: EvidenceCodec; next: () => Buffer | null } {
  const row = itemById(db, evidenceId);
  if (!row || row.state !== 'sealed') throw new MailtrailError('NOT_FOUND', `no evidence item ${evidenceId}`);
  let seq = 0;
  return { codec: row.codec, next: () => chunkAt(db, evidenceId, seq++) ?? null };
}

/** A text reader over a stored evidence item, chunk by chunk (synchronous). */
export function evidenceText(db: Db, evidenceId: number): TextReader {
  const chunks = storedChunks(db, evidenceId);
  return new TextReader(() => {
    const stored = chunks.next();
    return stored ? decodeChunk(chunks.codec, stored) : null;
  });
}

/** The first text of an item and its format (given, or detected from that text). */
export function sampleAndDetect(reader: TextReader, bytes: number, given: FormatId | undefined): { format: FormatId; sample: TextChunk[] } {
  const sample: TextChunk[] = [];
  let chars = 0;
  let complete = false;
  const fill = (limit: number) => {
    while (!complete && chars < limit) {
      const c = reader.next();
      if (c === null) complete = true;
      else {
        sample.push(c);
        chars += c.text.length;
      }
    }
  };
  fill(SAMPLE_CHARS);
  if (reader.info.gzip)
    throw new UnreadableEvidenceError(
      'gzip-compressed data (import the file: the importer stores its decompressed content as its own evidence item)',
    );
  if (given) return { format: given, sample };
  let d = detectFormat(sample.map((c) => c.text).join(''), reader.info, bytes, complete);
  // A first record longer than the sample (a Graph page or an Event Hub batch on one line): read on,
  // up to the longest record the readers take, until one record is whole.
  for (let limit = SAMPLE_CHARS; d.more === true && !complete && limit < MAX_RECORD_CHARS;) {
    limit = Math.min(limit * 4, MAX_RECORD_CHARS + SAMPLE_CHARS);
    fill(limit);
    d = detectFormat(sample.map((c) => c.text).join(''), reader.info, bytes, complete);
  }
  if (!d.format) throw d.reference !== undefined ? new ReferenceDataNotice(d.reference, d.reason) : new UnreadableEvidenceError(d.reason);
  return { format: d.format, sample };
}

/** The record parser of a format. */
export function parserFor(format: FormatId, ctx: NormalizeContext, target: RecordTarget): RecordParser {
  return isCsvFormat(format) ? new CsvParser(format, ctx, target) : new JsonParser(format, ctx, target);
}

function normalizeSafely(fn: () => NormalizedEvent): NormalizedEvent | string {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RecordError) return err.message;
    // An unexpected failure in a mapping must not lose the record: quarantine it with the error.
    return `could not be normalized: ${(err as Error).message}`;
  }
}

/** A format's record reader: text in, records to the target. */
export interface RecordParser {
  push(text: string): void;
  end(): void;
  /** What the records read so far say about the export's completeness (`completeness.ts`). */
  readonly signals: CompletenessSignals;
}

export const ENVELOPE_UAL = new Set<FormatId>(['purview-csv', 'ual-powershell-csv']);

/**
 * CSV text in, rows out: passes over the lines before the header as detection does (`#TYPE`,
 * `sep=`), takes the delimiter from a separator line or the header, and checks rows against the
 * shape `shapeFrom` gives.
 */
export class CsvRowSource {
  private tokenizer: CsvTokenizer | null = null;
  private pre = '';

  constructor(private readonly shapeFrom?: (row: CsvRow) => CsvShape | null) {}

  /** Adds text; the rows it completed are appended to `out`. */
  push(text: string, out: CsvRow[]): void {
    if (this.tokenizer === null) {
      this.pre += text;
      // Wait for the header line itself: the delimiter is sniffed from it.
      if (this.pre.indexOf('\n', csvPreamble(this.pre).length) < 0 && this.pre.length < 1 << 20) return;
      this.start(out);
      return;
    }
    this.tokenizer.push(text, out);
  }

  /** Ends the input; the last rows are appended to `out`. */
  end(out: CsvRow[]): void {
    if (this.tokenizer === null) this.start(out);
    this.tokenizer!.end(out);
  }

  private start(out: CsvRow[]): void {
    // The lines before the header are passed over as detection passes them: the delimiter is the header's.
    const { length, sep } = csvPreamble(this.pre);
    this.tokenizer = new CsvTokenizer(sep !== null ? separator(sep) : sniffDelimiter(this.pre.slice(length)), {
      ...(this.shapeFrom ? { shapeFrom: this.shapeFrom } : {}),
    });
    this.tokenizer.push(this.pre, out);
    this.pre = '';
  }
}

export class CsvParser implements RecordParser {
  private readonly source = new CsvRowSource((row) => this.shapeOf(row));
  private header: string[] | null = null;
  private index = 0;
  private readonly rows: CsvRow[] = [];
  readonly signals = emptySignals();

  constructor(
    private readonly format: FormatId,
    private readonly ctx: NormalizeContext,
    private readonly sink: RecordTarget,
  ) {}

  private handle(row: CsvRow): void {
    if (this.header === null) {
      if (isPreambleRow(row)) return;
      this.header = headerNames(row.fields);
      if (!csvCompatible(this.format, this.header)) {
        throw new UnreadableEvidenceError(`the header does not look like ${this.format} (columns: ${this.header.slice(0, 8).join(', ')})`);
      }
      return;
    }
    // Blank lines and Excel's all-empty rows carry no data: not records. (The tokenizer has checked
    // every other row against the header: one that does not fit it comes with an error.)
    if (row.error === undefined && isBlankRow(row.fields)) return;
    const location = `line ${row.line}`;
    const i = this.index++;
    if (row.error !== undefined) return this.sink.reject(i, location, row.error, row.text);
    const h = this.header;
    const obj = rowObject(h, row.fields.length > h.length ? row.fields.slice(0, h.length) : row.fields);
    if (this.format === 'ual-powershell-csv') noteResultCount(this.signals, obj['ResultCount'], obj['ResultIndex']);
    // Purview / PowerShell rows: the record is AuditData (kept verbatim); the other columns go to attrs.
    const audit = ENVELOPE_UAL.has(this.format) ? obj['AuditData'] : undefined;
    this.ctx.raw = typeof audit === 'string' && audit.length > 0 ? audit : JSON.stringify(obj);
    const r = normalizeSafely(() => normalizeCsvRow(this.format, obj, this.ctx));
    if (typeof r === 'string') this.sink.reject(i, location, r, row.text);
    else this.sink.event(i, location, r);
  }

  push(text: string): void {
    this.source.push(text, this.rows);
    this.drain();
  }

  /** The shape the rows must have, from the header row (null for the preamble before it). */
  private shapeOf(row: CsvRow): CsvShape | null {
    if (isPreambleRow(row)) return null;
    const names = headerNames(row.fields);
    // Purview and PowerShell rows are their AuditData; the columns after it (AssociatedAdminUnits…,
    // ResultIndex…) are metadata a spreadsheet re-save may drop when empty, and a row cut inside
    // AuditData fails as JSON. Every other format needs all its columns.
    const audit = ENVELOPE_UAL.has(this.format) ? names.findIndex((n) => n.toLowerCase() === 'auditdata') : -1;
    return { fields: names.length, minFields: audit >= 0 ? audit + 1 : names.length };
  }

  private drain(): void {
    for (const row of this.rows) this.handle(row);
    this.rows.length = 0;
  }

  end(): void {
    this.source.end(this.rows);
    this.drain();
  }
}

function separator(sep: string): string {
  if (sep.length !== 1 || sep === '"')
    throw new UnreadableEvidenceError(
      `the first line ${JSON.stringify(`sep=${sep}`.slice(0, 40))} is an Excel separator line without a usable delimiter (sep= followed by one character, such as sep=, or sep=;)`,
    );
  return sep;
}

function csvCompatible(format: FormatId, header: string[]): boolean {
  const detected = csvFormatOf(header);
  if (detected === format) return true;
  // Purview and PowerShell CSVs share the row mapping.
  return ENVELOPE_UAL.has(format) && detected !== null && ENVELOPE_UAL.has(detected);
}

export class JsonParser implements RecordParser {
  private readonly scanner = new JsonRecordScanner();
  private readonly items: JsonItem[] = [];
  private index = 0;
  private metaSeen = false;
  private readonly baseMailbox: string | null;
  /** The first keys of the first record read (two at most): what a cut-off line is searched for. */
  private firstKeys: string[] | null = null;
  readonly signals = emptySignals();

  constructor(
    private readonly format: FormatId,
    private readonly ctx: NormalizeContext,
    private readonly sink: RecordTarget,
  ) {
    this.baseMailbox = ctx.mailbox;
  }

  private handle(item: JsonItem): void {
    if (!this.metaSeen && this.scanner.pageMeta()) {
      this.metaSeen = true;
      this.ctx.mailbox = this.baseMailbox ?? mailboxFromODataContext(this.scanner.pageMeta()?.['@odata.context']);
    }
    const location = this.scanner.isLines() ? `line ${item.line}` : `record ${this.index + 1} (line ${item.line})`;
    if (item.error) return this.sink.reject(this.index++, location, item.error, item.text);
    // (The scanner parsed the records it closed itself; JSON Lines are parsed here.)
    let value: unknown = item.value;
    if (value === undefined) {
      try {
        value = JSON.parse(item.text);
      } catch (err) {
        if (this.recover(item, location)) return;
        return this.sink.reject(this.index++, location, `not valid JSON: ${(err as Error).message}`, item.text);
      }
    }
    if (this.firstKeys === null && isObj(value)) this.firstKeys = Object.keys(value).slice(0, 2);
    // A JSON Lines line may itself hold an array of records (a content blob per line) or a page.
    let records: unknown[] = Array.isArray(value) ? value : [value];
    if (isObj(value) && classifyJson(value) === null) {
      const inner = Array.isArray(value['value']) ? value['value'] : Array.isArray(value['records']) ? value['records'] : null;
      if (inner) {
        records = inner;
        const link = value['@odata.nextLink'];
        notePage(this.signals, typeof link === 'string' ? link : null);
        if (this.baseMailbox === null) this.ctx.mailbox = mailboxFromODataContext(value['@odata.context']) ?? this.ctx.mailbox;
      }
    }
    for (let k = 0; k < records.length; k++) {
      const rec: unknown = records[k];
      const loc = records.length > 1 ? `${location}, element ${k + 1}` : location;
      if (!isObj(rec)) {
        this.sink.reject(this.index++, loc, 'not a JSON object', JSON.stringify(rec) ?? String(rec));
        continue;
      }
      if (this.format === 'ual-powershell-json') noteResultCount(this.signals, rec['ResultCount'], rec['ResultIndex']);
      this.ctx.raw = records.length > 1 ? JSON.stringify(rec) : item.text;
      const r = normalizeSafely(() => normalizeJsonRecord(rec, this.format, this.ctx));
      if (typeof r === 'string') this.sink.reject(this.index++, loc, r, this.ctx.raw);
      else this.sink.event(this.index++, loc, r);
    }
  }

  /**
   * A record that does not parse but holds whole records after a break (see `readers/json.ts`):
   * the broken part is quarantined and the records after it read. In JSON Lines, a cut record and
   * then a whole one on one line; in an array, a stray quote that made the scanner close many
   * records as one. Returns false when there is nothing whole to read on from.
   */
  private recover(item: JsonItem, location: string): boolean {
    // When the broken record is the file's first, its own first keys (its start is whole) stand in.
    const keys = this.firstKeys ?? openingKeys(item.text.trimStart(), 0);
    if (keys.length === 0) return false;
    const lines = this.scanner.isLines();
    const at = lines ? wholeRecordAtLineEnd(item.text, keys) : nextWholeRecordIn(item.text, keys);
    if (at <= 0) return false;
    const reason = lines
      ? 'not valid JSON: a record cut off and another after it on the same line (an export cut off and continued in the same file?); the other is read'
      : 'not valid JSON: a record broken part-way (a stray quote?), with whole records after it; those are read';
    this.sink.reject(this.index++, location, reason, item.text.slice(0, at));
    if (lines) {
      this.handle({ text: item.text.slice(at), line: item.line });
      return true;
    }
    // What follows the break, read as the array it was part of. When the broken record ended on a
    // `]`, that was the array's own: it closes the inner one, and the outer scanner, already past
    // it, is told its array did close.
    const rest = item.text.slice(at);
    const swallowed = rest.trimEnd().endsWith(']');
    if (swallowed) this.scanner.arrayClosedInRecord();
    const inner = new JsonRecordScanner();
    const found = inner.push(swallowed ? `[${rest}` : `[${rest}]`);
    inner.end(found);
    const before = countLf(item.text, 0, at);
    for (const it of found) this.handle({ ...it, line: item.line + before + it.line - 1 });
    return true;
  }

  push(text: string): void {
    this.scanner.push(text, this.items);
    for (const item of this.items) this.handle(item);
    this.items.length = 0;
  }

  end(): void {
    this.scanner.end(this.items);
    for (const item of this.items) this.handle(item);
    this.items.length = 0;
    const pages = this.scanner.pages();
    notePage(this.signals, pages.lastLink, pages.count);
  }
}
