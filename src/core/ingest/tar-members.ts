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
  /** Why its content cannot be read as it is (a sparse file), else null. */
  problem: string | null;
}

const BLOCK = 512;
/** Metadata (a pax header, a GNU long name) larger than this is damage, not a name. */
const MAX_METADATA = 1024 * 1024;
const SPARSE =
  'a sparse file (its holes are not stored), which mailtrail does not rebuild: extract it with tar and import the file (the archive itself stays stored as evidence)';

/**
 * True when `head` (at least the first 512 bytes) is a tar header: the `ustar` magic at 257 and a
 * header checksum that adds up.
 */
export function isTar(head: Buffer): boolean {
  return head.length >= BLOCK && head.toString('latin1', 257, 262) === 'ustar' && checksumHolds(head.subarray(0, BLOCK));
}

/**
 * How a walk stopped: at the end-of-archive blocks, inside a header or a member (cut off), at a
 * block that is not a header (damaged), or at the end of the bytes between two members, without
 * the end blocks (perhaps cut off there).
 */
export type TarEnd = 'end' | 'cut' | 'damaged' | 'no end blocks';

/** Stretches of a tar archive passed over because they were not where a header should be. */
export interface TarGaps {
  count: number;
  bytes: number;
}

/**
 * Walks the headers of a tar archive of `size` bytes: its regular files, in order, then says how
 * it stopped ({@link TarEnd}) and what it passed over through `onEnd`. Where a header should be
 * and is not (a damaged block, a lone block of zeros: GNU tar stops there), the walk looks further
 * on, block by block, for the next ustar header and reads on from it: the member whose header was
 * lost is lost, the ones after it are not.
 */
export function* tarMembers(
  src: ByteSource,
  size: number,
  onEnd: (how: TarEnd, gaps: TarGaps) => void = () => undefined,
): Generator<TarMember> {
  let pos = 0;
  const gaps: TarGaps = { count: 0, bytes: 0 };
  const stop = (how: TarEnd): void => onEnd(how, gaps);
  // What pax and GNU headers say about the next member.
  let pending: Pending = {};
  /** Goes on at the next header from `from`, counting what is passed over; false when there is none. */
  const passOver = (from: number): boolean => {
    const found = nextHeader(src, from, size);
    if (found < 0) return false;
    gaps.count++;
    gaps.bytes += found - pos;
    pos = found;
    pending = {};
    return true;
  };
  while (pos < size) {
    if (pos + BLOCK > size) return stop('cut');
    const h = src.bytesAt(pos, BLOCK);
    const zero = isZero(h);
    if (zero) {
      const next = src.bytesAt(pos + BLOCK, BLOCK);
      // After a stretch passed over, end blocks may be those of a tar stored inside the archive
      // (the walk went on inside it): the archive's own members may follow.
      if (next.length < BLOCK || isZero(next)) {
        if (gaps.count > 0 && passOver(pos + 2 * BLOCK)) continue;
        return stop('end');
      }
    }
    const type = String.fromCharCode(h[156]!);
    const metadata = type === 'x' || type === 'L';
    // A pax `size` is the next member's, not that of more metadata before it.
    const declared = (metadata ? undefined : pending.size) ?? numeric(h.subarray(124, 136));
    // Not a header, or one whose size cannot be (damage that kept the checksum): look further on.
    if (zero || !checksumHolds(h) || !Number.isSafeInteger(declared) || declared < 0 || (metadata && declared > MAX_METADATA)) {
      if (passOver(pos + BLOCK)) continue;
      return stop('damaged');
    }
    let start = pos + BLOCK;
    // An old GNU sparse header may be followed by extension blocks its size does not count.
    if (type === 'S' && h[482] !== 0) {
      for (let ext = src.bytesAt(start, BLOCK); ; ext = src.bytesAt(start, BLOCK)) {
        if (ext.length < BLOCK) return stop('cut');
        start += BLOCK;
        if (ext[504] === 0) break;
      }
    }
    const end = start + declared;
    pos = start + Math.ceil(declared / BLOCK) * BLOCK;
    if (metadata) {
      // Metadata for the next header: pax records or a GNU long name.
      const data = src.bytesAt(start, declared);
      if (data.length < declared) return stop('cut');
      pending = type === 'x' ? { ...pending, ...paxRecords(data) } : { ...pending, path: text(data.subarray(0, cEnd(data))) };
      continue;
    }
    const name = pending.sparseName ?? pending.path ?? headerName(h);
    const sparse = type === 'S' || pending.sparse === true;
    pending = {};
    // Global pax headers, links, directories and devices hold no member content.
    if (type === '0' || type === '\0' || type === '7' || type === 'S')
      yield { name, start, size: declared, cut: end > size, problem: sparse ? SPARSE : null };
    if (end > size) return stop('cut');
  }
  stop('no end blocks');
}

/** The offset of the next block from `from` that is a ustar header, or -1. */
function nextHeader(src: ByteSource, from: number, size: number): number {
  // Read in runs of blocks: a read a block would make a long damaged stretch slow.
  const run = 256 * BLOCK;
  for (let at = from; at + BLOCK <= size; at += run) {
    const blocks = src.bytesAt(at, Math.min(run, size - at));
    for (let k = 0; k + BLOCK <= blocks.length; k += BLOCK) {
      if (blocks[k + 257] === 0x75 && isTar(blocks.subarray(k, k + BLOCK))) return at + k;
    }
  }
  return -1;
}

/** What pax and GNU long-name headers say about the member after them. */
interface Pending {
  path?: string;
  size?: number;
  /** Set by GNU's pax sparse keys; the real name is then `GNU.sparse.name`. */
  sparse?: boolean;
  sparseName?: string;
}

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** The name field, with the ustar prefix before it (POSIX `ustar\0` only: GNU uses that space otherwise). */
function headerName(h: Buffer): string {
  const name = h.subarray(0, 100);
  const posix = h.toString('latin1', 257, 263) === 'ustar\0';
  const prefix = posix ? h.subarray(345, 500) : Buffer.alloc(0);
  const full = prefix[0]
    ? Buffer.concat([prefix.subarray(0, cEnd(prefix)), Buffer.from('/'), name.subarray(0, cEnd(name))])
    : name.subarray(0, cEnd(name));
  return text(full);
}

/** Where a NUL-terminated field ends. */
function cEnd(b: Buffer): number {
  const nul = b.indexOf(0);
  return nul < 0 ? b.length : nul;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A name as written: UTF-8, or Latin-1 (older tars on Windows and Unix) when it is not valid UTF-8. */
function text(b: Buffer): string {
  try {
    return UTF8.decode(b);
  } catch {
    return b.toString('latin1');
  }
}

/**
 * A numeric field: octal text (leading spaces and a NUL or space after it allowed, as GNU tar and
 * Python write and read them), or big-endian base-256 when its first byte is 0x80 (GNU, over
 * 8 GiB). NaN for anything else: a negative base-256 value, other characters.
 */
function numeric(field: Buffer): number {
  if (field[0] === 0x80) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const digits = field.toString('latin1', 0, cEnd(field)).trim();
  if (digits === '') return 0;
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : NaN;
}

/**
 * The header checksum: the sum of its bytes with the checksum field read as spaces (as unsigned
 * bytes; some old tars summed them signed).
 */
function checksumHolds(h: Buffer): boolean {
  const stored = numeric(h.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 32 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** What pax extended header records (`"<length> <key>=<value>\n"`) say about the next member. */
function paxRecords(data: Buffer): Pending {
  const out: Pending = {};
  for (let at = 0; at < data.length;) {
    const space = data.indexOf(0x20, at);
    const length = space < 0 ? NaN : Number(data.toString('latin1', at, space));
    if (!Number.isSafeInteger(length) || length <= space - at) break;
    const record = data.toString('utf8', space + 1, at + length - 1); // without the newline
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'size' && /^\d+$/.test(value)) out.size = Number(value);
    else if (key.startsWith('GNU.sparse.')) {
      out.sparse = true;
      if (key === 'GNU.sparse.name') out.sparseName = value;
    }
    at += length;
  }
  return out;
}
