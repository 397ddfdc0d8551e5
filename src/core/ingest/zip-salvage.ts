/**
 * The members of a zip whose end is missing: a download or a copy cut off part-way loses the
 * central directory (the list of members, written last), so a zip reader finds none of them,
 * though every member before the cut is whole. Each member also starts with a local header
 * (name, method, sizes), so they are found here by walking those headers from the start, as
 * `zip -FF` and 7-Zip do: whole members are read as they are, and the member the cut falls in is
 * read as far as its data goes.
 *
 * A member written with its sizes after its data (a data descriptor: macOS's Archive Utility,
 * Java, streaming writers) is measured by inflating it: deflate marks its own end. One stored
 * without compression (or encrypted, or compressed by a method not read here) has no such mark:
 * its end is found by searching for the descriptor whose compressed size is the distance to it,
 * as the member's data cannot say where it stops.
 */
import yauzl from 'yauzl';
import { createInflateRaw } from 'node:zlib';
import type { ByteSource } from './byte-source';

/** A member found by its local header. */
export interface SalvagedMember {
  /** Its name, decoded as the archive says (UTF-8 flag, Info-ZIP Unicode path, else CP437). */
  name: string;
  /** Zip compression method (0 stored, 8 deflate, others not read here). */
  method: number;
  encrypted: boolean;
  /** Where its local header starts in the archive. */
  header: number;
  /** Where its data starts in the archive. */
  start: number;
  /**
   * Where its data ends (past the end of the archive for the member the cut falls in), or null
   * when that is not known: its deflate data runs to the end of the archive without finishing
   * (`cut`), does not inflate (`damaged`), or it does not mark its end and its size, after it,
   * was not found (`cut` or `unknown`).
   */
  end: number | null;
  /** Its size (from its header or data descriptor), or null when it is not known. */
  size: number | null;
  /** Its CRC-32 (from its header or data descriptor), or null when it is not known. */
  crc: number | null;
  /**
   * `whole`: its data is all there; `cut`: the archive ends inside it; `damaged`: its deflate data
   * does not inflate, so where it ends (and the members after it) cannot be found; `unknown`: it is
   * not deflated, its size comes after its data, and no descriptor that agrees with it was found,
   * though more members follow, so neither can they. The walk stops after any but `whole`.
   */
  ends: 'whole' | 'cut' | 'damaged' | 'unknown';
}

const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
/** Signatures that may follow a member's data: another member, the central directory, its end. */
const NEXT = new Set([LOCAL, 0x02014b50, 0x06054b50, 0x06064b50]);
const HEADER = 30;
/** Bit 0 of the flags: encrypted; bit 3: sizes and CRC in a data descriptor after the data. */
const ENCRYPTED = 1;
const SIZES_AFTER = 8;

/**
 * Walks the local headers of an archive of `size` bytes from its start; stops at the first place
 * that is not a local header (the central directory, or the bytes after the last member), or
 * after a member that is not {@link SalvagedMember.ends | whole}.
 */
export async function* salvageZipMembers(src: ByteSource, size: number): AsyncGenerator<SalvagedMember> {
  let pos = 0;
  while (pos + HEADER <= size) {
    const h = src.bytesAt(pos, HEADER);
    if (h.readUInt32LE(0) !== LOCAL) return;
    const flags = h.readUInt16LE(6);
    const method = h.readUInt16LE(8);
    const nameLength = h.readUInt16LE(26);
    const extraLength = h.readUInt16LE(28);
    const nameRaw = src.bytesAt(pos + HEADER, nameLength);
    const extraRaw = src.bytesAt(pos + HEADER + nameLength, extraLength);
    if (nameRaw.length < nameLength || extraRaw.length < extraLength) return; // cut inside the header
    const extraFields = parseExtraFields(extraRaw);
    const zip64 = extraFields.some((f) => f.id === 1);
    const start = pos + HEADER + nameLength + extraLength;
    const member = {
      name: yauzl.getFileNameLowLevel(flags, nameRaw, extraFields, false),
      method,
      encrypted: (flags & ENCRYPTED) !== 0,
      header: pos,
      start,
    };
    if ((flags & SIZES_AFTER) === 0) {
      const { compressed, uncompressed } = headerSizes(h, extraFields);
      const end = start + compressed;
      yield { ...member, end, size: uncompressed, crc: h.readUInt32LE(14), ends: end > size ? 'cut' : 'whole' };
      if (end >= size) return;
      pos = end;
      continue;
    }
    // The sizes follow the data: only deflate data says where it ends, and an empty member (a
    // folder) has its descriptor right away, one that says so.
    const empty = descriptorAt(src, start, start, size, zip64);
    if (empty?.agrees === true) {
      yield { ...member, end: start, size: empty.size, crc: empty.crc, ends: 'whole' };
      pos = empty.next;
      continue;
    }
    if (method !== 8 || member.encrypted) {
      const found = findDescriptor(src, start, size, zip64);
      if (found === 'cut' || found === 'unknown') {
        yield { ...member, end: null, size: null, crc: null, ends: found };
        return;
      }
      yield { ...member, end: found.end, size: found.size, crc: found.crc, ends: 'whole' };
      pos = found.next;
      continue;
    }
    const measured = await deflateEnd(src, start, size);
    if (typeof measured !== 'number') {
      yield { ...member, end: null, size: null, crc: null, ends: measured };
      return;
    }
    const after = descriptorAt(src, start, measured, size, zip64);
    yield { ...member, end: measured, size: after?.size ?? null, crc: after?.crc ?? null, ends: 'whole' };
    pos = after?.next ?? measured;
  }
}

/** The extra fields of a header, as yauzl's name decoding takes them. */
function parseExtraFields(raw: Buffer): { id: number; data: Buffer }[] {
  const fields: { id: number; data: Buffer }[] = [];
  for (let at = 0; at + 4 <= raw.length;) {
    const id = raw.readUInt16LE(at);
    const length = raw.readUInt16LE(at + 2);
    fields.push({ id, data: raw.subarray(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return fields;
}

/** The sizes a local header gives, from its Zip64 extra field where it says 0xFFFFFFFF. */
function headerSizes(h: Buffer, extra: { id: number; data: Buffer }[]): { compressed: number; uncompressed: number } {
  let compressed = h.readUInt32LE(18);
  let uncompressed = h.readUInt32LE(22);
  const zip64 = extra.find((f) => f.id === 1)?.data;
  if (zip64 !== undefined) {
    // In a local header both sizes are present, uncompressed first.
    let at = 0;
    if (uncompressed === 0xffffffff && zip64.length >= at + 8) {
      uncompressed = Number(zip64.readBigUInt64LE(at));
      at += 8;
    }
    if (compressed === 0xffffffff && zip64.length >= at + 8) compressed = Number(zip64.readBigUInt64LE(at));
  }
  return { compressed, uncompressed };
}

/** Compressed bytes read at a time while measuring deflate data. */
const MEASURE_PIECE = 256 * 1024;

/**
 * Where the deflate data starting at `start` ends, by inflating it (the output is discarded), or
 * why that is not known: the archive ends first (`cut`), or the data does not inflate (`damaged`).
 */
async function deflateEnd(src: ByteSource, start: number, size: number): Promise<number | 'cut' | 'damaged'> {
  const inflate = createInflateRaw();
  let ended = false;
  let failed: 'cut' | 'damaged' | null = null;
  inflate.on('data', () => undefined);
  const done = new Promise<void>((resolve) => {
    inflate.once('end', () => {
      ended = true;
      resolve();
    });
    inflate.once('error', (err: NodeJS.ErrnoException) => {
      // Running out of input is "unexpected end of file"; bad data is a data error.
      failed = err.code === 'Z_BUF_ERROR' ? 'cut' : 'damaged';
      resolve();
    });
  });
  for (let at = start; at < size && !ended && failed === null; at += MEASURE_PIECE) {
    const piece = src.bytesAt(at, Math.min(MEASURE_PIECE, size - at));
    // Wait for room, or for the end or a failure: a failed inflater never drains.
    await new Promise<void>((resolve) => {
      if (inflate.write(piece)) setImmediate(resolve);
      else {
        inflate.once('drain', resolve);
        void done.then(resolve);
      }
    });
  }
  if (!ended && failed === null) inflate.end();
  await done;
  inflate.destroy();
  // bytesWritten counts the input the inflater consumed: up to the end of the deflate data.
  return ended ? start + inflate.bytesWritten : (failed ?? 'damaged');
}

/** Bytes searched at a time for a data descriptor. */
const SEARCH_PIECE = 1024 * 1024;
const PK = Buffer.from('PK');

/**
 * Where the data of a member that does not mark its own end (stored, encrypted, or compressed by
 * another method) stops, with its size after it: at the first data descriptor, signed or not,
 * whose compressed size is its distance from `start` and after which a header follows. A stored
 * zip inside has local headers and may have descriptors of its own, but their sizes count from
 * other starts. Failing that, `cut` when no header at all follows (the archive ends inside the
 * member, which then runs to its end), else `unknown`.
 */
function findDescriptor(
  src: ByteSource,
  start: number,
  size: number,
  zip64: boolean,
): { end: number; size: number; crc: number; next: number } | 'cut' | 'unknown' {
  let headerFollows = false;
  // Pieces overlap by three bytes so that a signature across two pieces is found in the second.
  for (let from = start; from < size; from += SEARCH_PIECE - 3) {
    const piece = src.bytesAt(from, Math.min(SEARCH_PIECE, size - from));
    for (let i = piece.indexOf(PK); i !== -1 && i + 4 <= piece.length; i = piece.indexOf(PK, i + 1)) {
      const at = from + i;
      const signature = piece.readUInt32LE(i);
      // A signed descriptor starts here; an unsigned one ends where a header starts.
      const ends = signature === DESCRIPTOR ? [at] : NEXT.has(signature) ? [at - 12, at - 20] : [];
      if (signature === LOCAL || signature === 0x02014b50) headerFollows = true;
      for (const end of ends) {
        if (end < start) continue;
        const d = descriptorAt(src, start, end, size, zip64);
        if (d?.agrees === true) return { end, size: d.size, crc: d.crc, next: d.next };
      }
    }
    if (from + SEARCH_PIECE >= size) break;
  }
  // An unsigned descriptor last in the archive (the list of members cut off right after it).
  for (const end of [size - 12, size - 20]) {
    const d = end >= start ? descriptorAt(src, start, end, size, zip64) : null;
    if (d?.agrees === true) return { end, size: d.size, crc: d.crc, next: d.next };
  }
  return headerFollows ? 'unknown' : 'cut';
}

/**
 * Reads the data descriptor after a member's data (`start` to `end`): an optional signature, the
 * CRC-32, then both sizes in 4 or, for Zip64, 8 bytes each. Of the four ways to read it, the one
 * whose compressed size is the data's length and after which a header signature (or the end of
 * the archive) follows is taken (`agrees`); failing that, one after which a signature follows; or
 * null. The check on the length keeps a member whose few bytes of data happen to look like a
 * descriptor from being taken for an empty one.
 */
function descriptorAt(
  src: ByteSource,
  start: number,
  end: number,
  size: number,
  zip64: boolean,
): { size: number; crc: number; next: number; agrees: boolean } | null {
  const readings: { size: number; crc: number; next: number; agrees: boolean }[] = [];
  for (const at of u32At(src, end, size) === DESCRIPTOR ? [end + 4, end] : [end]) {
    for (const w of zip64 ? [20, 12] : [12, 20]) {
      const d = src.bytesAt(at, w);
      if (d.length < w) continue;
      const compressed = w === 20 ? Number(d.readBigUInt64LE(4)) : d.readUInt32LE(4);
      const plain = w === 20 ? Number(d.readBigUInt64LE(12)) : d.readUInt32LE(8);
      if (!(at + w === size || NEXT.has(u32At(src, at + w, size) ?? 0))) continue;
      readings.push({ size: plain, crc: d.readUInt32LE(0), next: at + w, agrees: compressed === end - start });
    }
  }
  return readings.find((r) => r.agrees) ?? readings[0] ?? null;
}

/** The little-endian 32-bit number at `at`, or null past the end. */
function u32At(src: ByteSource, at: number, size: number): number | null {
  return at + 4 <= size ? src.bytesAt(at, 4).readUInt32LE(0) : null;
}
