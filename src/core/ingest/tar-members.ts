/**
 * The members of a tar archive (`tar cf`, or the content of a `.tar.gz` / `.tgz`), found by
 * walking its 512-byte headers over the stored bytes: the same random access the zip reader uses,
 * so every member derives from exactly what the case holds and nothing is buffered. A tar cut off
 * part-way keeps every member before the cut, and the one it falls in is read as far as it goes.
 *
 * Hand-written rather than a streaming tar library: those read the archive as one stream, which
 * does not fit members stored one after another from the sealed item (and the current
 * `tar-stream` pulls in a second runtime's file-system packages). The format is small: POSIX
 * ustar headers, pax extended headers (`path`, `size`) and GNU long names are read; links,
 * directories and devices hold no content and are passed over.
 */
import type { ByteSource } from './byte-source';

/** A regular file inside a tar archive. */
export interface TarMember {
  /** Its path as written (pax `path`, a GNU long name, or ustar prefix and name). */
  name: string;
  /** Where its content starts in the archive. */
  start: number;
  /** Its size, from its header. */
  size: number;
  /** True when the archive ends before its content does. */
  cut: boolean;
}

const BLOCK = 512;

/**
 * True when `head` (at least the first 512 bytes) is a tar header: the `ustar` magic at 257 and a
 * header checksum that adds up.
 */
export function isTar(head: Buffer): boolean {
  return head.length >= BLOCK && head.toString('latin1', 257, 262) === 'ustar' && checksumHolds(head.subarray(0, BLOCK));
}

/**
 * How a walk stopped: at the end-of-archive block, inside a header or a member (cut off), at a
 * block that is not a header (damaged), or at the end of the bytes between two members, without
 * the end blocks (perhaps cut off there).
 */
export type TarEnd = 'end' | 'cut' | 'damaged' | 'no end blocks';

/**
 * Walks the headers of a tar archive of `size` bytes: its regular files, in order, then says how
 * it stopped ({@link TarEnd}) through `onEnd`.
 */
export function* tarMembers(src: ByteSource, size: number, onEnd: (how: TarEnd) => void = () => undefined): Generator<TarMember> {
  let pos = 0;
  // What pax and GNU headers say about the next member.
  let pending: { path?: string; size?: number } = {};
  while (pos < size) {
    if (pos + BLOCK > size) return onEnd('cut');
    const h = src.bytesAt(pos, BLOCK);
    if (h.every((b) => b === 0)) return onEnd('end');
    if (!checksumHolds(h)) return onEnd('damaged');
    const type = String.fromCharCode(h[156]!);
    const declared = pending.size ?? octalOrBase256(h.subarray(124, 136));
    const start = pos + BLOCK;
    const end = start + declared;
    pos = start + Math.ceil(declared / BLOCK) * BLOCK;
    if (type === 'x' || type === 'L') {
      // Metadata for the next header: pax records (`path`, `size`) or a GNU long name.
      const data = src.bytesAt(start, declared);
      if (data.length < declared) return onEnd('cut');
      pending = type === 'x' ? { ...pending, ...paxRecords(data) } : { ...pending, path: cString(data) };
      continue;
    }
    const name = pending.path ?? headerName(h);
    pending = {};
    // Global pax headers, links, directories and devices hold no member content.
    if (type === '0' || type === '\0' || type === '7') yield { name, start, size: declared, cut: end > size };
    if (end > size) return onEnd('cut');
  }
  onEnd('no end blocks');
}

/** The name field, with the ustar prefix before it (POSIX `ustar\0` only: GNU uses that space otherwise). */
function headerName(h: Buffer): string {
  const name = cString(h.subarray(0, 100));
  const posix = h.toString('latin1', 257, 263) === 'ustar\0';
  const prefix = posix ? cString(h.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** A NUL-terminated UTF-8 field. */
function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul < 0 ? b.length : nul);
}

/** A numeric field: octal text, or big-endian base-256 when its first byte has the high bit (GNU, over 8 GiB). */
function octalOrBase256(field: Buffer): number {
  if ((field[0]! & 0x80) !== 0) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ].*$/s, '')
    .trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/**
 * The header checksum: the sum of its bytes with the checksum field read as spaces (as unsigned
 * bytes; some old tars summed them signed).
 */
function checksumHolds(h: Buffer): boolean {
  const stored = octalOrBase256(h.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 32 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** The `path` and `size` of pax extended header records (`"<length> <key>=<value>\n"`). */
function paxRecords(data: Buffer): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  for (let at = 0; at < data.length;) {
    const space = data.indexOf(0x20, at);
    const length = space < 0 ? NaN : parseInt(data.toString('latin1', at, space), 10);
    if (!(length > 0)) break;
    const record = data.toString('utf8', space + 1, at + length - 1); // without the newline
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'size' && /^\d+$/.test(value)) out.size = Number(value);
    at += length;
  }
  return out;
}
