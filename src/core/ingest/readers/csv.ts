/**
 * A streaming RFC 4180 CSV tokenizer: quoted fields with `""` escapes and embedded CR/LF, CRLF or
 * LF record ends, physical line numbers for every record. Hand-written because csv-parse measured
 * 82 MB/s on a Purview export here against ~225 MB/s for this loop (`indexOf` over quoted runs),
 * and the tokenizer sits in the hot path of every CSV import; its behaviour is checked against
 * csv-parse in `readers.test.ts`.
 *
 * Once it knows the header's shape ({@link CsvTokenizerOptions.shapeFrom}) it also checks every
 * row against it, and resynchronises after a stray or unclosed quote: a quoted field that runs past
 * a line end into text that does not make a valid row is read as ending at that line end, and the
 * lines after it that do not make valid rows either are kept with it, up to the next valid row. Real
 * exports do have quoted line breaks (msticpy's OfficeActivity CSV pretty-prints `Parameters`); a
 * valid row with them reads as before, and Purview's AuditData never holds a raw one.
 */

/** One record. */
export interface CsvRow {
  fields: string[];
  /** 1-based physical line the record starts on. */
  line: number;
  /** The record's text as read (without the record terminator). */
  text: string;
  /** Set when the record could not be tokenized or does not fit the header (the reason, for quarantine). */
  error?: string;
}

/** What the rows after the header must hold. */
export interface CsvShape {
  /** The header's field count. */
  fields: number;
  /**
   * The fewest fields a row that ends with a line break may have, the missing ones read as empty:
   * `fields`, unless a format's last columns carry nothing the record needs.
   */
  minFields: number;
}

export interface CsvTokenizerOptions {
  /**
   * Called with each record until it returns a shape, i.e. with the header and any preamble before
   * it (`#TYPE`, `sep=`, blank lines). The records after the header are checked against the shape:
   * a row that does not fit it gets an `error` instead of being read with fields out of place.
   */
  shapeFrom?: (row: CsvRow) => CsvShape | null;
}

/** Largest record accepted; longer ones are reported as errors (bounded memory). */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Line breaks in `s[from, to)`: LF, CRLF and lone CR each count once. */
function countBreaks(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === LF || (c === CR && (i + 1 >= s.length || s.charCodeAt(i + 1) !== LF))) n++;
  }
  return n;
}

function countLf(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** The first CR or LF in `s[from, to)`, or -1 (a loop: `indexOf('\r')` in an LF file would search to the end). */
function lineBreakIn(s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === LF || c === CR) return i;
  }
  return -1;
}

const BLANK = /^[ \t]*$/;

/**
 * Whether every field of a row is empty or spaces and tabs (Excel's `,,,,` rows): no data, so no
 * record. Other white space (a no-break space, U+3000, a BOM) is a character a record may hold.
 */
export function isBlankRow(fields: string[]): boolean {
  for (const f of fields) if (f.length > 0 && !BLANK.test(f)) return false;
  return true;
}

/** 1-based position of the last field of a row that holds anything, 0 for none. */
function lastFilled(fields: string[]): number {
  for (let i = fields.length; i > 0; i--) if (fields[i - 1]!.length > 0) return i;
  return 0;
}

/** One line that may come before a CSV header: blank, PowerShell's `#TYPE …`, Excel's `sep=;` (also quoted). */
const PREAMBLE_LINE = /(?:[ \t]*|#TYPE[^\n]*|"?sep=[^\r\n]*)\r?\n/iy;

/**
 * What comes before a CSV header (a BOM, then {@link PREAMBLE_LINE}s): its length, and the text
 * after `sep=` on the last separator line among them (null when there is none). Detection and the
 * reader skip the same lines and take the same delimiter from them.
 */
export function csvPreamble(text: string): { length: number; sep: string | null } {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let sep: string | null = null;
  for (;;) {
    PREAMBLE_LINE.lastIndex = at;
    const m = PREAMBLE_LINE.exec(text);
    if (m === null) return { length: at, sep };
    const line = /^"?sep=([^\r\n]*?)"?\r?\n$/i.exec(m[0]);
    if (line) sep = line[1]!;
    at += m[0].length;
  }
}

/** Whether a row read before the header is one of the {@link csvPreamble} lines. */
export function isPreambleRow(row: CsvRow): boolean {
  return isBlankRow(row.fields) || csvPreamble(`${row.text}\n`).length > 0;
}

/** Guesses the delimiter from the first record: the most frequent of `,` `;` tab outside quotes. */
export function sniffDelimiter(text: string): string {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes) {
      if (c === '\n') break;
      if (c === ',' || c === ';' || c === '\t') counts[c]++;
    }
  }
  const best = (Object.entries(counts) as [string, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}

/** Why a row does not fit the header: as a row of its own, and as what reading on past a line end gave. */
interface Problem {
  reason: string;
  detail: string;
}

/** Lines that do not make valid rows after a quote ran past a line end, kept as one record. */
interface Garbled {
  line: number;
  /** The line the last line kept starts on. */
  last: number;
  /**
   * The text kept, as joined pieces and the lines since (each line and the break before it): a
   * string grown one line at a time is a rope of as many nodes, which for millions of short lines
   * took 30 times the characters it held.
   */
  chunks: string[];
  lines: string[];
  /** Characters kept. */
  size: number;
  /** The line break after the last line kept, joined in front of the next one. */
  sep: string;
  reason: string;
}

/** Lines of a garbled record joined into one piece at a time. */
const GARBLED_JOIN = 2048;

const TOO_LONG = `record longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters (16 MiB, the most read as one record; an unterminated quoted field?): reading goes on at the next line`;

/** Incremental tokenizer: feed text with {@link push}, collect rows; call {@link end} once. */
export class CsvTokenizer {
  private buf = '';
  private pos = 0;
  private line = 1;
  private readonly delim: number;
  private readonly shapeFrom: ((row: CsvRow) => CsvShape | null) | undefined;
  private shape: CsvShape | null = null;
  /** Between a quote that ran past a line end into no valid row and the next valid row. */
  private resync = false;
  private garbled: Garbled | null = null;
  /** After a one-line record over the size cap: the rest of its line is passed over. */
  private skipLine = false;
  /** Lines end in a lone CR ({@link advance}). */
  private crLines = false;
  /**
   * The last column any row read so far held something in (1-based): a shorter row that ends
   * before it lost nothing a column ever held, as Excel writes rows whose last cells are empty.
   */
  private filledTo = 0;

  constructor(delimiter = ',', options: CsvTokenizerOptions = {}) {
    this.delim = delimiter.charCodeAt(0);
    this.shapeFrom = options.shapeFrom;
  }

  /** Adds text and returns every complete record it finished. */
  push(text: string, out: CsvRow[] = []): CsvRow[] {
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + text : text;
    this.pos = 0;
    this.scan(false, out);
    return out;
  }

  /** Finishes the input: the last record (even without a line end), or an error for an unterminated one. */
  end(out: CsvRow[] = []): CsvRow[] {
    this.scan(true, out);
    this.flushGarbled(out);
    return out;
  }

  private scan(final: boolean, out: CsvRow[]): void {
    const s = this.buf;
    const len = s.length;
    const delim = this.delim;
    let pos = this.pos;
    if (this.skipLine) pos = this.passLine(s, pos, final);
    while (pos < len && !this.skipLine) {
      const start = pos;
      const fields: string[] = [];
      let complete = false;
      let terminated = false;
      let error: string | undefined;
      /** 1-based field with text after its closing quote, 0 for none. */
      let bad = 0;
      for (;;) {
        if (pos < len && s.charCodeAt(pos) === QUOTE) {
          let value = '';
          const from = pos + 1;
          let p = from;
          let closed = false;
          let doubled = false;
          for (;;) {
            const qi = s.indexOf('"', p);
            if (qi < 0) break;
            if (qi + 1 < len && s.charCodeAt(qi + 1) === QUOTE) {
              doubled = true;
              p = qi + 2;
              continue;
            }
            if (qi + 1 >= len && !final) break; // a quote at the very end may be the first of a `""` pair
            // One slice and one native replace per field (not one concatenation per escaped quote).
            value = doubled ? s.slice(from, qi).replaceAll('""', '"') : s.slice(from, qi);
            pos = qi + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (!final) break;
            error = 'unterminated quoted field (file truncated?)';
            fields.push(doubled ? s.slice(from).replaceAll('""', '"') : s.slice(from));
            pos = len;
            complete = true;
            break;
          }
          if (pos < len) {
            const c = s.charCodeAt(pos);
            if (c !== delim && c !== LF && c !== CR) {
              // Text after a closing quote: kept in the field, and the row is flagged (a stray quote
              // closed the field early, or opened one that swallowed a line break).
              if (bad === 0) bad = fields.length + 1;
              let e = pos + 1;
              while (e < len) {
                const d = s.charCodeAt(e);
                if (d === delim || d === LF || d === CR) break;
                e++;
              }
              value += s.slice(pos, e);
              pos = e;
            }
          }
          fields.push(value);
        } else {
          let e = pos;
          while (e < len) {
            const c = s.charCodeAt(e);
            if (c === delim || c === LF || c === CR) break;
            e++;
          }
          fields.push(s.slice(pos, e));
          pos = e;
        }
        if (pos >= len) {
          if (final) complete = true;
          break;
        }
        const c = s.charCodeAt(pos);
        if (c === delim) {
          pos++;
          continue;
        }
        // CR, LF or CRLF ends the record; a CR at the very end may be followed by LF in the next chunk.
        if (c === CR) {
          if (pos + 1 >= len && !final) break;
          pos += pos + 1 < len && s.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else pos++;
        complete = true;
        terminated = true;
        break;
      }
      if (!complete) {
        if (len - start <= MAX_RECORD_CHARS) {
          this.pos = start;
          return;
        }
        pos = this.oversized(s, start, out);
        continue;
      }
      let endText = pos;
      while (endText > start && (s.charCodeAt(endText - 1) === LF || s.charCodeAt(endText - 1) === CR) && !error) endText--;
      const shape = this.shape;
      if (
        error === undefined &&
        bad === 0 &&
        !this.resync &&
        (shape === null || fields.length === shape.fields) &&
        pos - start <= MAX_RECORD_CHARS
      ) {
        const row: CsvRow = { fields, line: this.line, text: s.slice(start, endText) };
        this.advance(s, start, pos);
        out.push(row);
        if (shape === null) {
          if (this.shapeFrom !== undefined) this.shape = this.shapeFrom(row);
        } else if (this.filledTo < fields.length) this.filledTo = Math.max(this.filledTo, lastFilled(fields));
        continue;
      }
      // Whether a record passes the cap before its end or within one chunk, it is treated alike.
      const problem =
        pos - start > MAX_RECORD_CHARS
          ? { reason: TOO_LONG, detail: 'longer than 16 MiB' }
          : this.problemOf(fields, error, bad, terminated);
      pos = this.settle(s, start, endText, pos, fields, problem, out);
    }
    this.pos = pos;
    if (final) {
      this.buf = '';
      this.pos = 0;
    }
  }

  /** Moves the line count past `s[start, end)`. */
  private advance(s: string, start: number, end: number): void {
    if (this.crLines) {
      this.line += countBreaks(s, start, end);
      return;
    }
    this.line += countLf(s, start, end);
    if (end > start && s.charCodeAt(end - 1) === CR && (end >= s.length || s.charCodeAt(end) !== LF)) {
      this.line++; // lone CR ends a line too
      // A file whose lines end in a lone CR (classic Mac, some exporters) has them inside its quoted
      // cells too: counted from here on, or every row after a multi-line cell is numbered short.
      this.crLines = true;
    }
  }

  /** What is wrong with a complete record, or null when it is a row to read. */
  private problemOf(fields: string[], error: string | undefined, bad: number, terminated: boolean): Problem | null {
    if (error !== undefined) return { reason: error, detail: 'the file ends inside the quotes' };
    // Before the header (and for format detection) rows are read leniently, as they always were.
    const shape = this.shape;
    if (shape === null) return null;
    if (bad > 0)
      return {
        reason: `field ${bad} has text after its closing quote (a stray or unescaped quote?)`,
        detail: 'text after a closing quote',
      };
    const n = fields.length;
    const m = shape.fields;
    if (n === m || isBlankRow(fields)) return null;
    const fieldsText = `${n} field${n === 1 ? '' : 's'}`;
    const counted = { reason: `row has ${fieldsText}, the header has ${m}`, detail: `${fieldsText}, the header has ${m}` };
    if (n > m) return isBlankRow(fields.slice(m)) ? null : counted; // trailing delimiters add empty fields
    // Short: whole when the columns it lacks carry nothing (after a format's AuditData) or never held
    // anything in the rows before (Excel drops a row's empty last cells); a row the file ends in
    // needs a row before it to say so, and a line after damage is no row unless it is whole.
    if (n >= shape.minFields || (!this.resync && n >= this.filledTo && (terminated || this.filledTo > 0))) return null;
    if (!terminated) return { reason: `the file ends inside this row: ${n} of ${m} fields (file truncated?)`, detail: counted.detail };
    return counted;
  }

  /**
   * A record off the fast path: a valid one after garbled lines, or one with a problem. One that
   * spans lines is cut at its first line break (the quote that ran past it is the damage) and the
   * scan resumes on the next line; the lines up to the next valid row are kept as one record.
   * Returns where the scan resumes.
   */
  private settle(s: string, start: number, endText: number, end: number, fields: string[], problem: Problem | null, out: CsvRow[]): number {
    if (problem === null) {
      if (this.resync && isBlankRow(fields)) {
        this.keepGarbled(s, start, endText, end, null, out);
        return end;
      }
      this.flushGarbled(out);
      const row: CsvRow = { fields, line: this.line, text: s.slice(start, endText) };
      this.advance(s, start, end);
      out.push(row);
      if (this.shape === null) {
        if (this.shapeFrom !== undefined) this.shape = this.shapeFrom(row);
      } else this.filledTo = Math.max(this.filledTo, lastFilled(fields));
      return end;
    }
    const lb = this.shape === null ? -1 : lineBreakIn(s, start, endText);
    if (lb < 0) {
      // One line over the cap is a record of its own, as when it arrives in pieces ({@link oversized}).
      const tooLong = problem.reason === TOO_LONG;
      if (this.resync && !tooLong) this.keepGarbled(s, start, endText, end, null, out);
      else {
        this.flushGarbled(out);
        const row: CsvRow = {
          fields,
          line: this.line,
          text: s.slice(start, Math.min(endText, start + MAX_RECORD_CHARS)),
          error: problem.reason,
        };
        this.advance(s, start, end);
        out.push(row);
        // Invalid lines after it are kept together, as when it arrives in pieces.
        if (tooLong) this.resync = true;
      }
      return end;
    }
    const next = lb + (s.charCodeAt(lb) === CR && s.charCodeAt(lb + 1) === LF ? 2 : 1);
    this.keepGarbled(s, start, lb, next, problem, out);
    return next;
  }

  /**
   * Keeps `s[start, endText)` (one physical line; `end` is past its line break) with the garbled
   * lines before it, or starts them when `problem` is the quote that ran past this line's end.
   */
  private keepGarbled(s: string, start: number, endText: number, end: number, problem: Problem | null, out: CsvRow[]): void {
    const g = this.garbled;
    if (g !== null && g.size <= MAX_RECORD_CHARS) {
      const text = s.slice(start, endText);
      g.lines.push(g.sep, text);
      g.size += g.sep.length + text.length;
      if (g.lines.length >= GARBLED_JOIN) {
        g.chunks.push(g.lines.join(''));
        g.lines.length = 0;
      }
      g.sep = s.slice(endText, end);
      g.last = this.line;
    } else {
      // The first line, or more garbled text than one record may hold (bounded memory): a new record.
      this.flushGarbled(out);
      const reason =
        problem !== null
          ? `a quote on this line is not closed before the line ends, and read on past it the row is not valid (${problem.detail}): the row is read as ending at the line end (a stray quote, or a row cut off?)`
          : 'lines that do not make valid rows, after a quote that ran past a line end (continued from the record before)';
      const text = s.slice(start, Math.min(endText, start + MAX_RECORD_CHARS));
      // `size` is the line's own length: one over the cap fills its record, kept to the cap.
      this.garbled = {
        line: this.line,
        last: this.line,
        chunks: [],
        lines: [text],
        size: endText - start,
        sep: s.slice(endText, end),
        reason,
      };
    }
    this.resync = true;
    this.advance(s, start, end);
  }

  private flushGarbled(out: CsvRow[]): void {
    const g = this.garbled;
    this.resync = false;
    if (g === null) return;
    this.garbled = null;
    const n = g.last - g.line;
    const more =
      n > 0
        ? `; the ${n} line${n === 1 ? '' : 's'} after it, to line ${g.last}, do not make valid rows either and are quarantined with it`
        : '';
    out.push({ fields: [], line: g.line, text: g.chunks.join('') + g.lines.join(''), error: g.reason + more });
  }

  /**
   * A record past the size cap before its end. One that spans lines is cut at its first line break
   * like any quote that ran past a line end; one long line is quarantined (its first 16 MiB) and
   * the rest of the line passed over, so reading goes on at the next record and not in its middle.
   */
  private oversized(s: string, start: number, out: CsvRow[]): number {
    const lb = lineBreakIn(s, start, s.length);
    if (lb >= 0 && lb + 1 < s.length) {
      const next = lb + (s.charCodeAt(lb) === CR && s.charCodeAt(lb + 1) === LF ? 2 : 1);
      this.keepGarbled(s, start, lb, next, { reason: TOO_LONG, detail: 'longer than 16 MiB' }, out);
      return next;
    }
    this.flushGarbled(out);
    out.push({
      fields: [],
      line: this.line,
      text: s.slice(start, Math.min(lb < 0 ? s.length : lb, start + MAX_RECORD_CHARS)),
      error: TOO_LONG,
    });
    this.skipLine = true;
    // Invalid lines after it are kept together, as when the whole line arrives at once ({@link settle}).
    this.resync = true;
    return this.passLine(s, lb < 0 ? s.length : lb, false);
  }

  /** Passes over the rest of a line being skipped; returns where reading goes on. */
  private passLine(s: string, pos: number, final: boolean): number {
    const len = s.length;
    const at = lineBreakIn(s, pos, len);
    if (at < 0) return len;
    if (s.charCodeAt(at) === CR && at + 1 >= len && !final) return at; // the LF of a CRLF may come next
    this.skipLine = false;
    this.line++;
    return at + (s.charCodeAt(at) === CR && s.charCodeAt(at + 1) === LF ? 2 : 1);
  }
}
