/**
 * Bytes → text for every parser, synchronously (the import loop runs inside write transactions):
 * the encoding is decided once from the start of the input (UTF-8 with or without BOM; UTF-16
 * LE/BE by BOM or by NUL pattern, as Windows PowerShell writes it; Windows-1252 when the start is
 * not UTF-8, as Excel and `Export-Csv -Encoding Default` write it, see {@link looksUtf8}). Bytes of
 * a UTF-8 input that are not valid UTF-8 become U+FFFD and are flagged, so the records holding them
 * are quarantined instead of silently altered. gzip input is recognised (and opened by the importer, not here).
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { binaryKind, binaryReason } from './file-kinds';

/** Encodings the reader decides between. */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** A decoded piece of text and how many source bytes have been consumed up to its end. */
export interface TextChunk {
  text: string;
  /** Bytes of the input consumed so far. */
  bytes: number;
}

/** What the reader found out about the input. */
export interface TextInfo {
  encoding: TextEncodingName;
  bom: boolean;
  /** The input is gzip-compressed (not decoded here). */
  gzip: boolean;
  /** True once bytes that are not valid UTF-8 were replaced (U+FFFD) after the sniffed start. */
  invalidUtf8: boolean;
  /** True when the start looks like binary data (NULs in 8-bit text, control bytes). */
  binary: boolean;
  /** Why binary data is not imported: its kind when its signature is known (`file-kinds.ts`). */
  binaryReason: string | null;
  /**
   * Zero bytes at the end of an 8-bit input, not read as text: a copy or download that was never
   * completed, or space set aside and never written (`zeroTailWarning`). 0 when there are none.
   */
  zeroTail: number;
}

const SNIFF = 64 * 1024;

/** True for the gzip magic number. */
export function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Largest prefix length of `b` that ends on a UTF-8 character boundary. */
export function utf8Boundary(b: Buffer): number {
  let i = b.length;
  for (let k = 0; k < 4 && i > 0; k++) {
    const c = b[i - 1]!;
    if ((c & 0xc0) === 0x80) {
      i--;
      continue;
    }
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return b.length - (i - 1) >= need ? b.length : i - 1;
    }
    return b.length;
  }
  return b.length;
}

/**
 * Binary when more than 1 % of the first 4 KiB are NULs or more than 5 % other control bytes.
 * Binary formats are dense with both; a text export with a damaged byte or two is not, and
 * refusing all of it for one NUL would lose every record (read as text, the record that holds
 * it is quarantined instead).
 */
function looksBinary(b: Buffer): boolean {
  let ctrl = 0;
  let nul = 0;
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) nul++;
    else if (c < 9 || (c > 13 && c < 32 && c !== 27)) ctrl++;
  }
  return n > 0 && (nul / n > 0.01 || (nul + ctrl) / n > 0.05);
}

function decideEncoding(head: Buffer): { encoding: TextEncodingName; bom: number } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  // UTF-16 without BOM: ASCII text has a NUL in every other byte.
  if (head.length >= 4) {
    let evenNul = 0;
    let oddNul = 0;
    const n = Math.min(head.length, 1024) & ~1;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    if (oddNul > n / 4 && evenNul === 0) return { encoding: 'utf-16le', bom: 0 };
    if (evenNul > n / 4 && oddNul === 0) return { encoding: 'utf-16be', bom: 0 };
  }
  return { encoding: looksUtf8(head.subarray(0, utf8Boundary(head))) ? 'utf-8' : 'windows-1252', bom: 0 };
}

/**
 * UTF-8 unless the start holds more invalid sequences than valid multi-byte characters, and at
 * least two. Windows-1252 text with accented letters is almost never valid UTF-8 (é is one byte,
 * 0xE9, followed by ASCII), while a UTF-8 export with a stray damaged byte still has many valid
 * characters, or, when its start is ASCII, none: decoding it as Windows-1252 would silently alter
 * every character further on (josé@ → josÃ©@, an identity that joins nothing), whereas decoding it
 * as UTF-8 flags the damaged byte and quarantines only the records that hold it. One invalid byte
 * is too little to tell the two apart, so it decides for the visible failure.
 */
function looksUtf8(head: Buffer): boolean {
  if (isUtf8(head)) return true;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  let invalid = 0;
  let valid = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) invalid++;
    else if (c > 0x7f && (c < 0xdc00 || c > 0xdfff)) valid++; // a surrogate pair counts once
  }
  return valid >= invalid || invalid < 2;
}

/** A fresh {@link TextInfo}. */
export function newTextInfo(): TextInfo {
  return { encoding: 'utf-8', bom: false, gzip: false, invalidUtf8: false, binary: false, binaryReason: null, zeroTail: 0 };
}

/** The warning for an input whose last {@link TextInfo.zeroTail} bytes were zeros. */
export function zeroTailWarning(bytes: number): string {
  return `the file ends with ${bytes.toLocaleString('en-US')} zero bytes, which were not read: a copy or download that was never completed, or space set aside and never written (records it should hold may be missing; get the file again)`;
}

/** How many zero bytes `b` ends with. */
function trailingZeros(b: Buffer): number {
  let i = b.length;
  while (i > 0 && b[i - 1] === 0) i--;
  return b.length - i;
}

/** Zeros handed on as text when more text follows them (see {@link TextReader}). */
const ZEROS = Buffer.alloc(64 * 1024);

/**
 * Most bytes decoded into one piece of text. Parsers slice fields out of the piece, and a slice keeps
 * its whole piece alive: with 1 MiB pieces (a stored chunk) every piece outlived a few scavenges,
 * went to the old generation and waited there for a full collection. 64 KiB pieces die young: at
 * 200k Purview records the parse took 4.6 s instead of 7.1 s and the import's peak RSS fell by 65 MB
 * (16 to 64 KiB measured alike; 128 KiB and up slower).
 */
export const TEXT_PIECE_BYTES = 64 * 1024;

/** Pull-based decoder over a synchronous byte source (`next()` returns `null` at the end). */
export class TextReader {
  readonly info: TextInfo = newTextInfo();
  private decoder: TextDecoder | null = null;
  private pending: Buffer[] = [];
  private consumed = 0;
  private carry: Buffer = Buffer.alloc(0) as Buffer;
  private ended = false;
  private finished = false;
  /**
   * Zero bytes at the end of what was read so far, held back: a run of them that reaches the end
   * of an 8-bit input is not text (a copy never completed), so it is counted, not decoded. When
   * more text follows, they are handed on (`releasing`) before it (`afterRelease`), as before.
   */
  private zeros = 0;
  private releasing = 0;
  private afterRelease: Buffer | null = null;
  private holdZeros = false;

  constructor(private readonly source: () => Buffer | null) {}

  private start(): void {
    let head: Buffer = Buffer.alloc(0);
    while (head.length < SNIFF) {
      const b = this.source();
      if (b === null) {
        this.ended = true;
        break;
      }
      this.pending.push(b);
      head = head.length === 0 ? b : Buffer.concat([head, b]);
    }
    const info = this.info;
    if (isGzip(head)) info.gzip = true;
    const { encoding, bom } = decideEncoding(head);
    info.encoding = encoding;
    info.bom = bom > 0;
    this.holdZeros = encoding !== 'utf-16le' && encoding !== 'utf-16be';
    // A zero run reaching the end of the start is set aside: a file that ends in zeros is text
    // that was never completed, not binary. (What follows such a run is not judged again: text,
    // a megabyte of zeros, then binary data would be read as text, its records quarantined.)
    const body = head.subarray(bom, head.length - trailingZeros(head.subarray(bom)));
    // With zeros cut off, a known binary signature decides alone (a PDF's first line is text).
    const cutZeros = body.length < head.length - bom;
    info.binary =
      info.gzip ||
      (this.holdZeros && (body.length === 0 ? head.length > bom : looksBinary(body) || (cutZeros && binaryKind(head) !== null)));
    if (info.binary) info.binaryReason = binaryReason(head);
    this.decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: true });
    this.pending = head.length > 0 ? [head.subarray(bom)] : [];
    this.consumed = bom;
  }

  private decode(piece: Buffer, final: boolean): string {
    if (this.info.encoding === 'utf-8' && !this.info.invalidUtf8) {
      const joined = this.carry.length > 0 ? Buffer.concat([this.carry, piece]) : piece;
      const cut = final ? joined.length : utf8Boundary(joined);
      if (!isUtf8(joined.subarray(0, cut))) this.info.invalidUtf8 = true;
      this.carry = joined.subarray(cut);
    }
    return this.decoder!.decode(piece, { stream: !final });
  }

  /** The next piece of text, or `null` at the end of the input. */
  next(): TextChunk | null {
    if (this.decoder === null) this.start();
    if (this.finished) return null;
    for (;;) {
      let b: Buffer | null;
      if (this.releasing > 0) {
        const n = Math.min(this.releasing, ZEROS.length);
        this.releasing -= n;
        b = ZEROS.subarray(0, n);
      } else if (this.afterRelease !== null) {
        b = this.afterRelease;
        this.afterRelease = null;
      } else {
        b = this.pending.length > 0 ? this.pending.shift()! : this.ended ? null : this.source();
        if (b !== null && b.length > TEXT_PIECE_BYTES) {
          this.pending.unshift(b.subarray(TEXT_PIECE_BYTES));
          b = b.subarray(0, TEXT_PIECE_BYTES);
        }
        if (b === null) {
          this.ended = true;
          this.finished = true;
          this.info.zeroTail = this.zeros;
          const tail = this.decode(Buffer.alloc(0), true);
          return tail.length > 0 ? { text: tail, bytes: this.consumed } : null;
        }
        this.consumed += b.length;
        if (this.holdZeros) {
          const t = trailingZeros(b);
          if (t === b.length) {
            this.zeros += t;
            continue;
          }
          const rest = b.subarray(0, b.length - t);
          if (this.zeros > 0) {
            // Text after the held zeros: they were part of the input after all.
            this.releasing = this.zeros;
            this.afterRelease = rest;
            this.zeros = t;
            continue;
          }
          this.zeros = t;
          b = rest;
        }
      }
      const text = this.decode(b, false);
      if (text.length > 0) return { text, bytes: this.consumed };
    }
  }
}
