/**
 * Streams the records out of JSON containers without loading the document: a top-level array
 * (content blobs, `ConvertTo-Json`, pretty arrays, arrays of them as `jq -s` joins blobs), a page
 * object (`{"value": […]}` from Graph and the Activities API, `{"records": […]}` from Event Hub),
 * consecutive top-level objects, and JSON Lines. Each record is returned as its verbatim text with
 * the line it starts on; parsing is the caller's (`JSON.parse` per record). JSON Lines are read
 * line by line so one broken line is one quarantined record, the first one too. In an array, or
 * among objects written one after another, a record that never closes (an export cut off
 * mid-record and continued in the same file, a stray quote) would swallow the rest of the input:
 * the scanner looks inside it for the next record that opens like the first one of the file (or,
 * between top-level objects, any whole object that starts a line) and reads on from there
 * (`resync`), so it costs that one record.
 */
import { MAX_RECORD_CHARS } from './csv';

/** One record's text, or a piece of input that is not a record. */
export interface JsonItem {
  text: string;
  /** 1-based line the item starts on. */
  line: number;
  /** Why the item is not a record (then `text` holds what was read). */
  error?: string;
  /** The record parsed, when the scanner parsed it (records of arrays and pages, top-level objects). */
  value?: unknown;
}

/** Members of the page object seen before its record array (`@odata.context`, …). */
export type PageMeta = Record<string, unknown>;

const WRAPPER_KEYS = new Set(['value', 'records', 'Records', 'Value']);

/**
 * A first line that opens a page's record array (`{"value": [`, records one a line after it): not a
 * cut record, though it does not parse either.
 */
const OPENS_RECORD_ARRAY = new RegExp(`"(?:${[...WRAPPER_KEYS].join('|')})"\\s*:\\s*\\[\\s*$`);

/** Line feeds in `s` from `from` up to `to`. */
export function countLf(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}

/** Incremental record scanner. */
export class JsonRecordScanner {
  private buf = '';
  private pos = 0;
  private mode: 'detect' | 'lines' | 'stream' = 'detect';
  private baseLine = 1;
  private countedPos = 0;
  private depth = 0;
  private inString = false;
  /** Depth inside the record array (1 for a top-level array, 2 inside a page's `value`), or 0 for top-level objects. */
  private arrayDepth = 0;
  /** Arrays of records inside the record array (`jq -s` of content blobs: `[[…], […]]`) open around {@link arrayDepth}. */
  private innerArrays = 0;
  private recordStart = -1;
  private recordLine = 0;
  private scalarStart = -1;
  private topIsObject = false;
  private topStart = -1;
  private keyStart = -1;
  private lastKey: string | null = null;
  private expectValueForKey: string | null = null;
  private meta: PageMeta | null = null;
  /** The top-level page being read (its record array has started), and its `@odata.nextLink`. */
  private page: { link: string | null } | null = null;
  private readonly closedPages: ClosedPages = { count: 0, lastLink: null };
  /** Start of the string value of a page's `@odata.nextLink` after its record array. */
  private linkStart = -1;
  /**
   * The first keys of the first record of an array (two at most), and a pattern for an object
   * opening with the same key: where a record that never closes is searched for the next one.
   */
  private signature: { keys: string[]; opening: RegExp } | null = null;
  /** Whether the open record was already searched at {@link RESYNC_AFTER_CHARS}. */
  private resyncTried = false;
  /** Set by {@link arrayClosedInRecord}: the array's own `]` went into a broken record. */
  private closedInRecord = false;
  /** In JSON Lines, the line being passed over was reported as longer than {@link MAX_RECORD_CHARS}. */
  private skippingLine = false;
  /** In stream mode, the rest of a line of text outside any JSON value, already reported as too long, is passed over. */
  private skippingText = false;
  /** Spaces and tabs since the last line feed, or -1 once anything else followed it. */
  private indent = -1;
  /** {@link indent} where the open record starts: -1 when it does not start its line. */
  private recordIndent = -1;
  /** Characters of the line of text outside any JSON value at `pos` already searched for its end. */
  private textSearched = 0;

  /** Page members seen before the record array, once known. */
  pageMeta(): PageMeta | null {
    return this.meta;
  }

  /**
   * The top-level page objects read to their end: how many, and the string `@odata.nextLink` the
   * last of them carried (before or after its record array; Graph writes it on either side of
   * `value`), or null (no link, or `null` as SDKs write on a last page). A page cut off before its
   * end is not counted.
   */
  pages(): Readonly<ClosedPages> {
    return this.closedPages;
  }

  /**
   * Told by the parser that a record it found broken held the top-level array's own `]` (a stray
   * quote turned the strings after it inside out, so the scanner closed the record on that
   * bracket): the array did close, and an end with nothing after it is not reported as a
   * container left open.
   */
  arrayClosedInRecord(): void {
    this.closedInRecord = true;
  }

  /** True when the container is JSON Lines. */
  isLines(): boolean {
    return this.mode === 'lines';
  }

  private lineAt(p: number): number {
    if (p > this.countedPos) {
      this.baseLine += countLf(this.buf, this.countedPos, p);
      this.countedPos = p;
    }
    return this.baseLine;
  }

  /** Adds text; returns the items it completed. */
  push(text: string, out: JsonItem[] = []): JsonItem[] {
    this.compact();
    this.buf += text;
    if (this.mode === 'detect') this.detect(false);
    if (this.mode === 'lines') this.scanLines(false, out);
    else if (this.mode === 'stream') this.scanStream(out);
    return out;
  }

  /** Ends the input; reports an unterminated record or container. */
  end(out: JsonItem[] = []): JsonItem[] {
    if (this.mode === 'detect') this.detect(true);
    if (this.mode === 'lines') {
      this.scanLines(true, out);
      return out;
    }
    this.scanStream(out);
    // A record still open at the end may be an export cut off and continued in the same file.
    for (let p = this.resync(out); p >= 0; p = this.resync(out)) {
      this.pos = p;
      this.scanStream(out);
    }
    const rest = this.buf.slice(this.recordStart >= 0 ? this.recordStart : this.scalarStart >= 0 ? this.scalarStart : this.pos);
    if (this.recordStart >= 0 || this.scalarStart >= 0) {
      out.push({ text: rest, line: this.recordLine || this.lineAt(this.pos), error: 'record not terminated (file truncated?)' });
    } else if (
      this.depth > 0 &&
      !(this.topIsObject && this.arrayDepth === 0 && this.topStart < 0) &&
      !(this.closedInRecord && this.depth === 1 && this.arrayDepth === 1 && rest.trim() === '')
    ) {
      out.push({ text: rest.trim(), line: this.lineAt(this.pos), error: 'JSON container not closed (file truncated?)' });
    } else if (rest.trim().length > 0) {
      out.push({ text: rest.trim(), line: this.lineAt(this.pos), error: 'text after the end of the JSON data' });
    }
    this.buf = '';
    this.pos = 0;
    this.countedPos = 0;
    return out;
  }

  private compact(): void {
    // A link still open past the cap is kept as too long: its text need not hold the buffer.
    if (this.linkStart >= 0 && this.pos - this.linkStart > MAX_LINK_CHARS) {
      this.page!.link = LINK_TOO_LONG;
      this.linkStart = -1;
    }
    const keep = Math.min(
      ...[this.pos, this.recordStart, this.scalarStart, this.topStart, this.keyStart, this.linkStart].filter((x) => x >= 0),
    );
    if (keep <= 0) return;
    this.lineAt(keep);
    this.buf = this.buf.slice(keep);
    this.pos -= keep;
    this.countedPos -= keep;
    if (this.recordStart >= 0) this.recordStart -= keep;
    if (this.scalarStart >= 0) this.scalarStart -= keep;
    if (this.topStart >= 0) this.topStart -= keep;
    if (this.keyStart >= 0) this.keyStart -= keep;
    if (this.linkStart >= 0) this.linkStart -= keep;
  }

  private detect(final: boolean): void {
    let i = 0;
    while (i < this.buf.length && isWs(this.buf.charCodeAt(i))) i++;
    if (i >= this.buf.length) {
      if (final) this.mode = 'stream';
      return;
    }
    if (this.buf.charCodeAt(i) === 123) {
      const nl = this.buf.indexOf('\n', i);
      if (nl < 0 && !final) {
        // The whole first line decides (as long as any record may be), not how the input arrives.
        if (this.buf.length - i <= MAX_RECORD_CHARS) return;
        this.mode = 'stream';
        return;
      }
      const first = this.buf.slice(i, nl < 0 ? this.buf.length : nl).trim();
      let parsed: unknown;
      try {
        parsed = JSON.parse(first);
      } catch {
        // Two values on the first line (`cat single.json records.jsonl`) are objects one after
        // another, not a cut line.
        const firstEnd = first.charCodeAt(0) === 123 ? objectEnd(first, 0) : -1;
        if (firstEnd > 0 && firstEnd < first.length) {
          this.mode = 'stream';
          return;
        }
        // A cut first line would swallow the lines after it in stream mode.
        const next = nl < 0 ? 'none' : this.nextLineIsRecord(nl + 1, final);
        if (next === 'wait') return;
        this.mode = next === 'yes' && !OPENS_RECORD_ARRAY.test(first) ? 'lines' : 'stream';
        return;
      }
      // One object on one line: JSON Lines, unless it is the whole input and a page (`{"value": […]}`).
      const page =
        typeof parsed === 'object' &&
        parsed !== null &&
        [...WRAPPER_KEYS].some((k) => Array.isArray((parsed as Record<string, unknown>)[k]));
      this.mode = page && this.buf.slice(nl < 0 ? this.buf.length : nl).trim().length === 0 ? 'stream' : 'lines';
      return;
    }
    this.mode = 'stream';
  }

  /**
   * Whether the first non-blank line from `from` is a whole JSON value starting in its first column,
   * as every line of JSON Lines is and no line inside a pretty-printed document is (those are
   * indented, or a lone bracket, or end in a comma); 'wait' until that line is buffered.
   */
  private nextLineIsRecord(from: number, final: boolean): 'yes' | 'none' | 'wait' {
    const s = this.buf;
    let at = from;
    for (;;) {
      const nl = s.indexOf('\n', at);
      if (nl < 0 && !final) return s.length - at <= MAX_RECORD_CHARS ? 'wait' : 'none';
      const line = s.slice(at, nl < 0 ? s.length : nl).trimEnd();
      if (line.length > 0) {
        const c = line.charCodeAt(0);
        if (c !== 123 && c !== 91) return 'none';
        try {
          JSON.parse(line);
          return 'yes';
        } catch {
          return 'none';
        }
      }
      if (nl < 0) return 'none';
      at = nl + 1;
    }
  }

  private scanLines(final: boolean, out: JsonItem[]): void {
    const s = this.buf;
    let pos = this.pos;
    if (this.skippingLine) {
      // The rest of a line already reported as too long: it is part of that record, not another.
      const nl = s.indexOf('\n', pos);
      if (nl < 0) {
        this.pos = s.length;
        return;
      }
      this.skippingLine = false;
      pos = nl + 1;
    }
    for (;;) {
      const nl = s.indexOf('\n', pos);
      if (nl < 0 && !final) break;
      const end = nl < 0 ? s.length : nl;
      let text = s.slice(pos, end);
      if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
      const line = this.lineAt(pos);
      if (text.trim().length > 0) out.push({ text, line });
      if (nl < 0) {
        pos = s.length;
        break;
      }
      pos = nl + 1;
    }
    this.pos = pos;
    if (!final && this.buf.length - this.pos > MAX_RECORD_CHARS) {
      out.push({
        text: this.buf.slice(this.pos, this.pos + 1000),
        line: this.lineAt(this.pos),
        // Bounded memory: such a line is not read. One holding a whole page or content blob can be
        // split into one record a line (`jq -c '.[]'`, or `.value[]` for a page) and imported again.
        error: `line longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters (16 MiB): not read; if it holds a whole page or content blob, split it into one record a line (jq -c '.[]') and import that`,
      });
      this.pos = this.buf.length;
      this.skippingLine = true;
    }
  }

  /**
   * Ends the array element that is not an object, at `end` (its `,` or `]`): reported as such,
   * unless records start inside it (a stray quote before a record turns the strings of the records
   * after it inside out, until a bracket in one of their values ends the element): then it is
   * reported up to the first of them and reading goes on there, the position returned; else -1.
   */
  private endScalar(end: number, out: JsonItem[]): number {
    const s = this.buf;
    const brace = s.indexOf('{', this.scalarStart);
    if (brace >= 0 && brace < end) {
      const p = this.resync(out, end);
      if (p >= 0) return p;
    }
    out.push({ text: s.slice(this.scalarStart, end).trim(), line: this.recordLine, error: 'array element is not an object' });
    this.scalarStart = -1;
    return -1;
  }

  /** Start of the record or other array element being read, or -1. */
  private openElement(): number {
    return this.recordStart >= 0 ? this.recordStart : this.scalarStart;
  }

  /** At the value of a page's `@odata.nextLink` member after its record array. */
  private atNextLinkValue(): boolean {
    return this.page !== null && this.depth === 1 && this.arrayDepth === 0 && this.expectValueForKey === '@odata.nextLink';
  }

  /**
   * Reports the record from `recordStart` to `end`, parsed (the parser does not parse it again).
   * One of an array or page that does not parse but has another record starting inside it (see
   * {@link recordStartInside}) is reported up to there, and the position to read on from is
   * returned; otherwise -1.
   */
  private emitRecord(end: number, out: JsonItem[]): number {
    const text = this.buf.slice(this.recordStart, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const at = this.arrayDepth > 0 ? this.recordStartInside(this.recordStart, end) : -1;
      if (at > 0) {
        this.restartAt(
          this.recordStart,
          at,
          out,
          (line) => `not valid JSON, and the next record starts inside it on line ${line} (a stray quote?); reading goes on there`,
        );
        return at;
      }
      out.push({ text, line: this.recordLine });
      this.recordStart = -1;
      return -1;
    }
    out.push({ text, line: this.recordLine, value });
    this.recordStart = -1;
    this.signature ??= signatureOfValue(value);
    return -1;
  }

  /**
   * After a record that does not close (at the end of the input, or past
   * {@link RESYNC_AFTER_CHARS} and {@link MAX_RECORD_CHARS}): looks inside it for a complete object
   * that opens with the same keys as the first record of the file, the way an export cut off
   * mid-record and continued (a collection re-run appending to the same file, a stray quote) reads.
   * Between top-level objects (objects written one after another) a whole object that starts a
   * line and is followed by another value or the end is one too, whatever its keys: such a file may
   * mix record kinds, and what is nested in a record is indented, or followed by `,` or `]`. When
   * one is found, the cut record is reported up to it and scanning goes on there, in the same array
   * or at the top level; the records after the cut are not lost to it. Only records starting
   * before `before` are taken. Returns the position to go on from, or -1.
   */
  private resync(out: JsonItem[], before = Infinity): number {
    // An element that is not an object (a stray quote before a record opens a string there) runs
    // on over the records after it just as a record that never closes does.
    const from = this.openElement();
    if (from < 0) return -1;
    const top = this.arrayDepth === 0;
    // The file's first record is the cut one: its own first key (its start is whole) stands in.
    if (this.recordStart >= 0) this.signature ??= signatureOfKeys(openingKeys(this.buf, this.recordStart));
    const sig = this.signature;
    if (sig === null && !top) return -1;
    const opening = top ? topLevelOpening(sig) : sig!.opening;
    const s = this.buf;
    opening.lastIndex = from + 1;
    // A failed try may read on to the end of what is buffered: a bounded number keeps a damaged file
    // linear. A whole object with other keys (a nested policy, a folder item) is stepped over, not
    // counted: a record has many of them.
    let failures = 0;
    for (let m = opening.exec(s); m !== null && m.index < before && failures < MAX_RESYNC_TRIES; m = opening.exec(s)) {
      const end = objectEnd(s, m.index);
      if (end < 0) {
        failures++; // cut off again, or runs past what is buffered
        continue;
      }
      let keys: string[] | null;
      try {
        const o = JSON.parse(s.slice(m.index, end)) as unknown;
        keys = typeof o === 'object' && o !== null && !Array.isArray(o) ? Object.keys(o) : null;
      } catch {
        failures++;
        continue;
      }
      const same = sig !== null && keys !== null && keys.slice(0, sig.keys.length).join('\u0000') === sig.keys.join('\u0000');
      if (keys === null || (!same && !(top && startsTopLevelValue(s, m.index, end)))) {
        opening.lastIndex = end;
        continue;
      }
      const at = m.index;
      this.restartAt(from, at, out, (line) =>
        this.recordStart >= 0
          ? `record not terminated: another record starts inside it on line ${line} (an export cut off and continued in the same file?); reading goes on there`
          : `array element is not an object, and a record starts inside it on line ${line} (a stray quote?); reading goes on there`,
      );
      return at;
    }
    return -1;
  }

  /**
   * Reports the text from `from` up to `at` as broken (`error` given the line `at` is on) and
   * sets the scanner to read on at `at`, at the level of the records.
   */
  private restartAt(from: number, at: number, out: JsonItem[], error: (line: number) => string): void {
    const s = this.buf;
    const line = this.recordLine + countLf(s, from, at);
    out.push({ text: s.slice(from, at).replace(/[\s,[]+$/, ''), line: this.recordLine, error: error(line) });
    this.baseLine = line;
    this.countedPos = at;
    this.depth = this.arrayDepth;
    this.inString = false;
    this.indent = lineIndent(s, at)?.length ?? -1;
    if (this.arrayDepth === 0) {
      this.topIsObject = false;
      this.topStart = -1;
    }
    this.recordStart = -1;
    this.scalarStart = -1;
    this.keyStart = -1;
    this.linkStart = -1;
    this.lastKey = null;
    this.expectValueForKey = null;
  }

  /**
   * Where, inside the record of an array or page from `from` to `end` that does not parse, the
   * next record starts, or -1: an object opening with the first keys of the file's records at
   * the start of a line, indented as this record is. A stray quote inside a record turns the
   * strings after it inside out, and the scanner then closes the record on a brace of a later one
   * (`"Value":"}"`): the records between are in this text, whole, each on its own line (one a
   * line) or at the record indentation (pretty-printed), where nothing nested in a record starts.
   */
  private recordStartInside(from: number, end: number): number {
    const s = this.buf;
    // When the broken record is the file's first, its own first keys (its start is whole) stand in.
    const sig = this.signature ?? signatureOfKeys(openingKeys(s, from));
    if (sig === null) return -1;
    const indent = this.recordIndent;
    if (indent < 0) return -1;
    const keys = sig.keys.join('\u0000');
    sig.opening.lastIndex = from + 1;
    for (let m = sig.opening.exec(s); m !== null && m.index < end; m = sig.opening.exec(s)) {
      if (lineIndent(s, m.index)?.length === indent && openingKeys(s, m.index).slice(0, sig.keys.length).join('\u0000') === keys)
        return m.index;
    }
    return -1;
  }

  /**
   * Reports the line of text outside any JSON value that starts at `pos` as not JSON, once it is
   * buffered to its end (a line longer than {@link MAX_RECORD_CHARS}: its first 1,000 characters,
   * and the rest is passed over). Returns where reading goes on, or -1 to wait for more input.
   */
  private outsideText(pos: number, out: JsonItem[]): number {
    const s = this.buf;
    // (A long line arriving in many pieces is searched once, not from its start again each time.)
    const nl = s.indexOf('\n', pos + this.textSearched);
    const end = nl < 0 ? s.length : nl;
    this.textSearched = nl < 0 ? end - pos : 0;
    if (end - pos <= MAX_RECORD_CHARS) {
      if (nl < 0) return -1;
      out.push({ text: s.slice(pos, end).trim(), line: this.lineAt(pos), error: 'not JSON' });
      return end;
    }
    out.push({
      text: s.slice(pos, pos + 1000),
      line: this.lineAt(pos),
      error: `not JSON: a line longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters (16 MiB), passed over`,
    });
    this.textSearched = 0;
    if (nl >= 0) return nl;
    this.skippingText = true;
    return s.length;
  }

  private scanStream(out: JsonItem[]): void {
    const s = this.buf;
    const len = s.length;
    let pos = this.pos;
    if (this.skippingText) {
      const nl = s.indexOf('\n', pos);
      if (nl < 0) {
        this.pos = len;
        return;
      }
      this.skippingText = false;
      pos = nl;
    }
    while (pos < len) {
      if (this.inString) {
        this.indent = -1;
        let q = s.indexOf('"', pos);
        for (;;) {
          if (q < 0) break;
          let bs = 0;
          for (let k = q - 1; k >= 0 && s.charCodeAt(k) === 92; k--) bs++;
          if (bs % 2 === 0) break;
          q = s.indexOf('"', q + 1);
        }
        if (q < 0) {
          // Keep a run of backslashes at the end: the quote after it, in the next piece, is counted
          // as escaped or not from them (compaction would drop them outside a record).
          pos = len;
          while (pos > this.pos && s.charCodeAt(pos - 1) === 92) pos--;
          break;
        }
        this.inString = false;
        pos = q + 1;
        if (this.keyStart >= 0) {
          this.lastKey = s.slice(this.keyStart + 1, q);
          this.keyStart = -1;
        }
        if (this.linkStart >= 0) {
          this.page!.link = q + 1 - this.linkStart > MAX_LINK_CHARS ? LINK_TOO_LONG : unquote(s.slice(this.linkStart, q + 1));
          this.linkStart = -1;
        }
        if (this.scalarStart >= 0 && this.depth === this.arrayDepth) continue;
        continue;
      }
      const c = s.charCodeAt(pos);
      if (isWs(c)) {
        if (c === 10) this.indent = 0;
        else if (this.indent >= 0 && c !== 13) this.indent++;
        pos++;
        continue;
      }
      const indent = this.indent;
      this.indent = -1;
      if (this.depth === 0 && c !== 123 && c !== 91 && c !== 125 && c !== 93 && c !== 44) {
        // Text outside any JSON value (a string or a word where a value should open): the line is
        // reported, whole, and reading goes on after it.
        const next = this.outsideText(pos, out);
        if (next < 0) {
          this.pos = pos;
          return;
        }
        pos = next;
        continue;
      }
      const atElementLevel = this.arrayDepth > 0 && this.depth === this.arrayDepth && this.recordStart < 0;
      if (atElementLevel && this.scalarStart < 0 && c !== 44 && c !== 93 && c !== 123 && c !== 91) {
        this.scalarStart = pos; // a non-object array element
        this.recordLine = this.lineAt(pos);
        this.resyncTried = false;
      }
      switch (c) {
        case 34: // "
          if (this.atNextLinkValue()) this.linkStart = pos;
          this.inString = true;
          if (this.topIsObject && this.depth === 1 && this.arrayDepth === 0 && this.expectValueForKey === null) this.keyStart = pos;
          pos++;
          break;
        case 58: // :
          if (this.lastKey !== null && this.depth === 1 && this.topIsObject && this.arrayDepth === 0) this.expectValueForKey = this.lastKey;
          this.lastKey = null;
          pos++;
          break;
        case 123: // {
        case 91: {
          // [
          if (this.depth === 0) {
            this.topIsObject = c === 123;
            if (c === 91) this.arrayDepth = 1;
            else {
              this.topStart = pos;
              this.recordStart = pos;
              this.recordLine = this.lineAt(pos);
            }
          } else if (
            c === 91 &&
            this.topIsObject &&
            this.depth === 1 &&
            this.arrayDepth === 0 &&
            this.expectValueForKey !== null &&
            WRAPPER_KEYS.has(this.expectValueForKey)
          ) {
            // The page's record array: what came before it is page metadata.
            const head = s.slice(this.topStart, pos).replace(/,?\s*"[^"]*"\s*:\s*$/, '');
            try {
              this.meta = JSON.parse(`${head.trim().replace(/,\s*$/, '')}}`) as PageMeta;
            } catch {
              this.meta = {};
            }
            this.recordStart = -1;
            this.topStart = -1;
            this.arrayDepth = 2;
            const link = this.meta['@odata.nextLink'];
            this.page = { link: typeof link === 'string' ? link : null };
          } else if (this.arrayDepth > 0 && this.depth === this.arrayDepth && this.recordStart < 0 && this.scalarStart < 0) {
            // (Inside an element that is not an object, a bracket is part of it: a record starting
            // there would drop the element's text before it.)
            if (c === 123) {
              this.recordStart = pos;
              this.recordLine = this.lineAt(pos);
              this.recordIndent = indent;
              this.resyncTried = false;
            } else {
              // An array as an element: its elements are records too.
              this.arrayDepth++;
              this.innerArrays++;
            }
          }
          if (this.depth === 1 && this.topIsObject) this.expectValueForKey = null;
          this.depth++;
          pos++;
          break;
        }
        case 125: // }
        case 93: {
          // ]
          if (this.scalarStart >= 0 && this.depth === this.arrayDepth && c === 93) {
            const p = this.endScalar(pos, out);
            if (p >= 0) {
              pos = p;
              break;
            }
          }
          if (c === 125 && atElementLevel) {
            // A `}` between the elements of the record array closes nothing that is open (an extra
            // one after a record, or one left by a record that closed early): it is part of the
            // element being read, which is reported as not an object. Counting it would put the
            // scanner outside the array (or, in a page, outside its `value`) for good.
            pos++;
            break;
          }
          if (c === 93 && this.innerArrays > 0 && this.depth === this.arrayDepth && this.recordStart < 0) {
            this.innerArrays--;
            this.arrayDepth--;
            this.depth--;
            pos++;
            break;
          }
          this.depth--;
          pos++;
          if (this.depth < 0) {
            out.push({ text: s[pos - 1]!, line: this.lineAt(pos - 1), error: 'unexpected closing bracket' });
            this.depth = 0;
            break;
          }
          if (this.recordStart >= 0 && this.arrayDepth > 0 && this.depth === this.arrayDepth) {
            const p = this.emitRecord(pos, out);
            if (p >= 0) pos = p;
          } else if (this.depth === 0) {
            if (this.recordStart >= 0 && this.arrayDepth === 0) this.emitRecord(pos, out);
            if (this.page !== null) {
              this.closedPages.count++;
              this.closedPages.lastLink = this.page.link;
            }
            this.page = null;
            this.arrayDepth = 0;
            this.innerArrays = 0;
            this.topIsObject = false;
            this.topStart = -1;
            this.expectValueForKey = null;
          } else if (this.depth === 1 && this.arrayDepth === 2 && c === 93) {
            this.arrayDepth = 0; // the page's array closed; the rest of the page object is metadata
          }
          break;
        }
        case 44: // ,
          if (this.scalarStart >= 0 && this.depth === this.arrayDepth) {
            const p = this.endScalar(pos, out);
            if (p >= 0) {
              pos = p;
              break;
            }
          }
          if (this.depth === 1 && this.topIsObject) this.expectValueForKey = null;
          pos++;
          break;
        default:
          if (this.atNextLinkValue()) this.page!.link = null; // null, or not a link
          pos++;
          break;
      }
      const open = this.openElement();
      if (open >= 0 && !this.resyncTried && pos - open > RESYNC_AFTER_CHARS) {
        // Longer than any record Microsoft writes: likely a cut one running into the next, unless
        // it closes in what is buffered already (a large valid record arriving in one piece: a
        // search from its start would find the record after its end).
        this.resyncTried = true;
        const p = this.recordStart >= 0 && objectEnd(s, this.recordStart) >= 0 ? -1 : this.resync(out);
        if (p >= 0) {
          pos = p;
          continue;
        }
      }
      if (open >= 0 && pos - open > MAX_RECORD_CHARS) {
        const p = this.resync(out);
        if (p >= 0) {
          pos = p;
          continue;
        }
        out.push({
          text: s.slice(open, open + 1000),
          line: this.recordLine,
          error: `${this.recordStart >= 0 ? 'record' : 'array element'} longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters (16 MiB)`,
        });
        this.recordStart = -1;
        this.scalarStart = -1;
      }
    }
    this.pos = pos;
  }
}

/**
 * Length of an open record at which the scanner first looks inside it for the next record (see
 * `resync`): well above real audit and sign-in records (a few KiB, rarely 100 KiB), so that only a
 * record that never closed is searched, and well below {@link MAX_RECORD_CHARS}, so that a damaged
 * file does not hold a long stretch in memory before it is read on.
 */
const RESYNC_AFTER_CHARS = 4 * 1024 * 1024;

/** Candidate objects a {@link JsonRecordScanner} tries inside one unterminated record. */
const MAX_RESYNC_TRIES = 64;

/** The first keys of a record (two at most) and the pattern of an object opening with the first. */
function signatureOfValue(o: unknown): { keys: string[]; opening: RegExp } | null {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  return signatureOfKeys(Object.keys(o).slice(0, 2));
}

/** The whitespace before `at` on its line, or null when anything else stands before it. */
function lineIndent(s: string, at: number): string | null {
  let b = at;
  while (b > 0 && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return b === 0 || s.charCodeAt(b - 1) === 10 ? s.slice(b, at) : null;
}

/**
 * The first two keys of the object opening at `at` of `text`, read from its text alone (the
 * object may never close), or none: what a record that is cut off still shows of its shape. Only
 * when its first value is a scalar (a UAL `CreationTime`, a Graph `id`): one key alone would match
 * the many nested objects that open with `id` or `@odata.type`.
 */
export function openingKeys(text: string, at: number): string[] {
  const m = OPENING_TWO_KEYS.exec(text.slice(at, at + 4096));
  if (m === null) return [];
  try {
    return [JSON.parse(m[1]!) as string, JSON.parse(m[2]!) as string];
  } catch {
    return [];
  }
}

const JSON_STRING = '("(?:[^"\\\\]|\\\\.)*")';
const OPENING_TWO_KEYS = new RegExp(
  `^\\{\\s*${JSON_STRING}\\s*:\\s*(?:"(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*|true|false|null)\\s*,\\s*${JSON_STRING}\\s*:`,
);

/**
 * The first whole record inside a record that does not parse (a stray quote merged it with the
 * ones after it), parsed, or undefined: what format detection reads when the file's first record
 * is the broken one.
 */
export function wholeRecordInside(text: string): unknown {
  const at = nextWholeRecordIn(text, openingKeys(text.trimStart(), 0));
  const end = at > 0 ? objectEnd(text, at) : -1;
  if (end < 0) return undefined;
  try {
    return JSON.parse(text.slice(at, end)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whether the object at `start`..`end` of `s` stands where a top-level one does: first in its line
 * and followed by another value or nothing, not by a `,` or `]` (a nested object in a document
 * printed with newlines and no indentation, as Python's `indent=0` writes, also starts a line).
 */
function startsTopLevelValue(s: string, start: number, end: number): boolean {
  if (s.charCodeAt(start - 1) !== 10) return false;
  // The first element of an array, or a key's value, in a document printed without indentation
  // (Python's `indent=0`) starts a line too, after `[` or `:`. (After `,` it may be a later element
  // or the record after one cut following a comma: the element is followed by `,` or `]`, below.)
  let b = start - 1;
  while (b >= 0 && isWs(s.charCodeAt(b))) b--;
  const before = b < 0 ? -1 : s.charCodeAt(b);
  if (before === 91 || before === 58) return false;
  let i = end;
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i === s.length || s.charCodeAt(i) === 123 || s.charCodeAt(i) === 91;
}

/**
 * Where an object may start that a record cut off between top-level objects is searched for: one
 * that opens with the signature's first key, or any that starts a line.
 */
function topLevelOpening(sig: { opening: RegExp } | null): RegExp {
  return new RegExp(sig === null ? '(?<=\\n)\\{' : `(?<=\\n)\\{|${sig.opening.source}`, 'g');
}

function signatureOfKeys(keys: string[]): { keys: string[]; opening: RegExp } | null {
  if (keys.length === 0) return null;
  const quoted = JSON.stringify(keys[0]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { keys, opening: new RegExp(`\\{\\s*${quoted}\\s*:`, 'g') };
}

/**
 * Where, in a JSON Lines line that does not parse, a whole record opening with `keys` (the first
 * keys of the file's first record) runs from to the end of the line: the shape of an export cut
 * off mid-record and continued in the same file without a line break. -1 when there is none.
 */
export function wholeRecordAtLineEnd(line: string, keys: string[]): number {
  return wholeRecordAt(line, keys, true);
}

/**
 * Where, in the text of an array record that does not parse, the first whole record opening with
 * `keys` starts (after its own start): a stray quote turns the strings of the records after it
 * inside out until the scanner closes them all as one. -1 when there is none.
 */
export function nextWholeRecordIn(text: string, keys: string[]): number {
  return wholeRecordAt(text, keys, false);
}

function wholeRecordAt(text: string, keys: string[], toEnd: boolean): number {
  const sig = signatureOfKeys(keys);
  if (sig === null) return -1;
  const end = text.trimEnd().length;
  sig.opening.lastIndex = 1;
  let failures = 0;
  for (let m = sig.opening.exec(text); m !== null && failures < MAX_RESYNC_TRIES; m = sig.opening.exec(text)) {
    const close = objectEnd(text, m.index);
    if (close < 0) {
      failures++;
      continue;
    }
    let o: unknown;
    try {
      o = JSON.parse(text.slice(m.index, close));
    } catch {
      failures++; // not a whole object from here: try the next opening
      continue;
    }
    const same =
      typeof o === 'object' &&
      o !== null &&
      !Array.isArray(o) &&
      Object.keys(o).slice(0, keys.length).join('\u0000') === keys.join('\u0000');
    if (same && (!toEnd || close === end)) return m.index;
    // A whole object inside the broken record (a nested one, or one that stops short of the end of
    // the line): the record sought does not start inside it.
    sig.opening.lastIndex = close;
  }
  return -1;
}

/** End (exclusive) of the object opening at `start`, strings and escapes minded, or -1 if `s` ends first. */
function objectEnd(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      for (i++; i < s.length; i++) {
        const d = s.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Pages of a JSON document read to their end ({@link JsonRecordScanner.pages}). */
export interface ClosedPages {
  count: number;
  lastLink: string | null;
}

/**
 * Longest `@odata.nextLink` kept as it is (Graph links run to a few KiB); a longer one is still a
 * link, kept as {@link LINK_TOO_LONG}.
 */
const MAX_LINK_CHARS = 64 * 1024;
const LINK_TOO_LONG = '(an @odata.nextLink longer than 64 KiB)';

/**
 * A JSON string literal's value. An escape it cannot read leaves the text between the quotes,
 * copied: a slice would keep the whole chunk it came from alive.
 */
function unquote(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return Buffer.from(literal.slice(1, -1), 'utf8').toString('utf8');
  }
}
