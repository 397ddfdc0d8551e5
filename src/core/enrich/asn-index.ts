/**
 * An in-memory IP → ASN/organisation range index built from `@ip-location-db/asn` (which ships CSV
 * only). Ranges are kept in typed arrays (IPv4 as uint32, IPv6 as four uint32 words) and searched
 * by binary search; organisation names are interned. Loading parses ~500k rows once per process.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One lookup result. */
export interface AsnHit {
  asn: number;
  org: string;
}

/** The loaded index. */
export interface AsnIndex {
  lookupV4(ip: number): AsnHit | null;
  lookupV6(words: Uint32Array): AsnHit | null;
  readonly rangesV4: number;
  readonly rangesV6: number;
}

const COMMA = 44;
const QUOTE = 34;
const NL = 10;
const CR = 13;

/** Decodes the organisation field `[i, end)` (optionally quoted, `""` escaped). */
function orgField(buf: Buffer, i: number, end: number): string {
  if (end > i && buf[end - 1] === CR) end--;
  if (buf[i] !== QUOTE) return buf.toString('utf8', i, end);
  const text = buf.toString('utf8', i + 1, buf[end - 1] === QUOTE ? end - 1 : end);
  return text.includes('""') ? text.replaceAll('""', '"') : text;
}

/** A decimal integer in `[i, end)`. */
function intField(buf: Buffer, i: number, end: number): number {
  let value = 0;
  for (; i < end; i++) value = value * 10 + (buf[i]! - 48);
  return value;
}

/**
 * Calls `fn(lineStart, c1, c2, c3, lineEnd)` for each `start,end,asn,org` line, where cN are the
 * positions of the first three commas (memchr via `indexOf`, so 30 MB parse in well under a second).
 */
function forEachRow(buf: Buffer, fn: (i: number, c1: number, c2: number, c3: number, end: number) => void): void {
  for (let i = 0; i < buf.length;) {
    let end = buf.indexOf(NL, i);
    if (end < 0) end = buf.length;
    const c1 = buf.indexOf(COMMA, i);
    const c2 = c1 < 0 ? -1 : buf.indexOf(COMMA, c1 + 1);
    const c3 = c2 < 0 ? -1 : buf.indexOf(COMMA, c2 + 1);
    if (c3 > 0 && c3 < end) fn(i, c1, c2, c3, end);
    i = end + 1;
  }
}

function count(buf: Buffer, byte: number): number {
  let n = 0;
  for (let i = buf.indexOf(byte); i >= 0; i = buf.indexOf(byte, i + 1)) n++;
  return n;
}

/** Interns organisation names, reusing the previous row's string when the raw bytes repeat. */
class OrgTable {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  id(org: string): number {
    let id = this.ids.get(org);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(org);
      this.ids.set(org, id);
    }
    return id;
  }
}

/** Parses IPv6 text into four big-endian uint32 words (no embedded IPv4 in the database files). */
export function v6Words(text: string, out: Uint32Array = new Uint32Array(4), offset = 0): Uint32Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (halves.length === 1 && head.length !== 8) return null;
  const groups = new Array<number>(8).fill(0);
  for (let k = 0; k < head.length; k++) groups[k] = parseInt(head[k]!, 16);
  for (let k = 0; k < tail.length; k++) groups[8 - tail.length + k] = parseInt(tail[k]!, 16);
  for (let w = 0; w < 4; w++) out[offset + w] = ((groups[2 * w]! << 16) | groups[2 * w + 1]!) >>> 0;
  return out;
}

function cmp6(a: Uint32Array, ai: number, b: Uint32Array): number {
  for (let w = 0; w < 4; w++) {
    const x = a[ai + w]!;
    const y = b[w]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The raw arrays behind an index (what the cache file stores). */
interface AsnTables {
  n4: number;
  n6: number;
  s4: Uint32Array;
  e4: Uint32Array;
  a4: Uint32Array;
  o4: Uint32Array;
  s6: Uint32Array;
  e6: Uint32Array;
  a6: Uint32Array;
  o6: Uint32Array;
  names: string[];
}

/** Parses the `-ipv4-num.csv` and `-ipv6.csv` files of `@ip-location-db/asn`. */
function parseTables(v4NumCsv: string, v6Csv: string): AsnTables {
  const orgs = new OrgTable();
  const v4Buf = readFileSync(v4NumCsv);
  const cap4 = count(v4Buf, NL) + 1;
  const s4 = new Uint32Array(cap4);
  const e4 = new Uint32Array(cap4);
  const a4 = new Uint32Array(cap4);
  const o4 = new Uint32Array(cap4);
  let n4 = 0;
  let lastOrgBytes = '';
  let lastOrgId = 0;
  const orgId = (buf: Buffer, i: number, end: number): number => {
    // Consecutive ranges often belong to the same organisation: skip the decode and map lookup.
    const raw = buf.toString('latin1', i, end);
    if (raw !== lastOrgBytes) {
      lastOrgBytes = raw;
      lastOrgId = orgs.id(orgField(buf, i, end));
    }
    return lastOrgId;
  };
  forEachRow(v4Buf, (i, c1, c2, c3, end) => {
    s4[n4] = intField(v4Buf, i, c1);
    e4[n4] = intField(v4Buf, c1 + 1, c2);
    a4[n4] = intField(v4Buf, c2 + 1, c3);
    o4[n4] = orgId(v4Buf, c3 + 1, end);
    n4++;
  });

  const v6Buf = readFileSync(v6Csv);
  const cap6 = count(v6Buf, NL) + 1;
  const s6 = new Uint32Array(cap6 * 4);
  const e6 = new Uint32Array(cap6 * 4);
  const a6 = new Uint32Array(cap6);
  const o6 = new Uint32Array(cap6);
  let k6 = 0;
  forEachRow(v6Buf, (i, c1, c2, c3, end) => {
    if (!v6Words(v6Buf.toString('latin1', i, c1), s6, k6 * 4) || !v6Words(v6Buf.toString('latin1', c1 + 1, c2), e6, k6 * 4)) return;
    a6[k6] = intField(v6Buf, c2 + 1, c3);
    o6[k6] = orgId(v6Buf, c3 + 1, end);
    k6++;
  });
  return { n4, n6: k6, s4, e4, a4, o4, s6, e6, a6, o6, names: orgs.names };
}

const MAGIC = 'MTASN1';

/** Serialises the tables: `MAGIC`, header length, JSON header (counts, names), padding, then the arrays. */
function writeCache(file: string, t: AsnTables): void {
  const header = Buffer.from(JSON.stringify({ n4: t.n4, n6: t.n6, names: t.names }), 'utf8');
  const pre = 6 + 4 + header.length;
  const pad = (4 - (pre % 4)) % 4;
  const arrays = [t.s4.subarray(0, t.n4), t.e4.subarray(0, t.n4), t.a4.subarray(0, t.n4), t.o4.subarray(0, t.n4)];
  arrays.push(t.s6.subarray(0, t.n6 * 4), t.e6.subarray(0, t.n6 * 4), t.a6.subarray(0, t.n6), t.o6.subarray(0, t.n6));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const parts = [
    Buffer.from(MAGIC, 'latin1'),
    len,
    header,
    Buffer.alloc(pad),
    ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
  ];
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat(parts));
  renameSync(tmp, file);
}

function readCache(file: string): AsnTables | null {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return null;
  }
  if (buf.toString('latin1', 0, 6) !== MAGIC) return null;
  const hlen = buf.readUInt32LE(6);
  const header = JSON.parse(buf.toString('utf8', 10, 10 + hlen)) as { n4: number; n6: number; names: string[] };
  let off = 10 + hlen;
  off += (4 - (off % 4)) % 4;
  // Copy into an aligned ArrayBuffer (Buffers from readFileSync need not be 4-byte aligned).
  const body = new Uint32Array(new Uint8Array(buf.buffer, buf.byteOffset + off, buf.length - off).slice().buffer);
  const { n4, n6 } = header;
  const expected = n4 * 4 + n6 * 10;
  if (body.length !== expected) return null;
  let p = 0;
  const take = (n: number) => body.subarray(p, (p += n));
  return {
    n4,
    n6,
    s4: take(n4),
    e4: take(n4),
    a4: take(n4),
    o4: take(n4),
    s6: take(n6 * 4),
    e6: take(n6 * 4),
    a6: take(n6),
    o6: take(n6),
    names: header.names,
  };
}

/**
 * Loads the index from the `-ipv4-num.csv` and `-ipv6.csv` files of `@ip-location-db/asn`. With
 * `cacheFile`, a compact binary copy of the parsed tables is read from (or written to) that path,
 * so later processes load in milliseconds; a missing or unreadable cache is simply rebuilt.
 */
export function loadAsnIndex(v4NumCsv: string, v6Csv: string, cacheFile?: string): AsnIndex {
  let t = cacheFile ? readCache(cacheFile) : null;
  if (!t) {
    t = parseTables(v4NumCsv, v6Csv);
    if (cacheFile) {
      try {
        writeCache(cacheFile, t);
      } catch {
        // A read-only or full temp directory only costs the next process a re-parse.
      }
    }
  }
  const { n4, n6: k6, s4, e4, a4, o4, s6, e6, a6, o6, names } = t;
  return {
    rangesV4: n4,
    rangesV6: k6,
    lookupV4(ip) {
      let lo = 0;
      let hi = n4 - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (s4[mid]! <= ip) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0 || e4[found]! < ip) return null;
      return { asn: a4[found]!, org: names[o4[found]!]! };
    },
    lookupV6(words) {
      let lo = 0;
      let hi = k6 - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (cmp6(s6, mid * 4, words) <= 0) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0 || cmp6(e6, found * 4, words) < 0) return null;
      return { asn: a6[found]!, org: names[o6[found]!]! };
    },
  };
}
