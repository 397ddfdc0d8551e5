/**
 * Archives read from the evidence store itself (not from the file on disk): a `.zip` (through its
 * list of members, or its local headers when that is cut off: `zip-salvage.ts`), a `.tar`
 * (`tar-members.ts`) and a `.gz` file's content. The archive is stored and hashed first, and its
 * members are extracted from those stored bytes, so every member derives from exactly what the
 * case holds; a member cut off or damaged is read as far as it goes and says where it stopped.
 */
import { Readable } from 'node:stream';
import { crc32, createGunzip, createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { MailtrailError } from '../../shared/errors';
import type { Db } from '../store/database';
import { decodeChunk } from '../evidence/codec';
import { chunkAt, itemById } from '../store/evidence-repo';
import type { ByteSource } from './byte-source';
import { tarMembers, type TarEnd, type TarGaps } from './tar-members';
import {
  encryptionOf,
  findPassword,
  headerAgrees,
  PROBE_BYTES,
  unlock,
  type EncryptedMember,
  type PasswordKey,
  type ZipEncryption,
} from './zip-crypto';
import { salvageZipMembers, type SalvagedMember } from './zip-salvage';

/** True when `head` starts like a zip archive (local file header or empty-archive record). */
export function isZip(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/** Random access over a sealed evidence item, chunk by chunk. */
class EvidenceReader extends yauzl.RandomAccessReader implements ByteSource {
  private readonly chunkSize: number;
  private readonly codec: 'identity' | 'deflate-raw';
  private cache: { seq: number; data: Buffer } | null = null;

  constructor(
    private readonly db: Db,
    private readonly id: number,
  ) {
    super();
    const row = itemById(db, id);
    if (!row || row.state !== 'sealed') throw new MailtrailError('NOT_FOUND', `no evidence item ${id}`);
    this.chunkSize = row.chunk_size;
    this.codec = row.codec;
  }

  private chunk(seq: number): Buffer {
    if (this.cache?.seq === seq) return this.cache.data;
    const stored = chunkAt(this.db, this.id, seq);
    const data = stored ? decodeChunk(this.codec, stored) : Buffer.alloc(0);
    this.cache = { seq, data };
    return data;
  }

  /** Up to `length` bytes from `start` (fewer at the end of the item). */
  bytesAt(start: number, length: number): Buffer {
    return Buffer.concat([...this.range(start, start + length)]);
  }

  /** The bytes from `start` to `end` (exclusive), chunk by chunk. */
  *range(start: number, end: number): Generator<Buffer> {
    let pos = start;
    while (pos < end) {
      const seq = Math.floor(pos / this.chunkSize);
      const data = this.chunk(seq);
      const off = pos - seq * this.chunkSize;
      if (off >= data.length) return;
      const take = Math.min(data.length - off, end - pos);
      yield data.subarray(off, off + take);
      pos += take;
    }
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.range(start, end), { objectMode: false });
  }
}

/**
 * Zip compression methods beyond stored and deflate that exports arrive in: Windows Explorer
 * writes Deflate64 for large files, 7-Zip offers the others.
 */
const COMPRESSION_METHODS = new Map([
  [9, 'Deflate64 (as Windows Explorer writes large files)'],
  [12, 'bzip2'],
  [14, 'LZMA'],
  [93, 'Zstandard'],
  [95, 'xz'],
  [98, 'PPMd'],
]);

/** One file inside an archive. */
export interface ArchiveMember {
  name: string;
  /** Its size, or an estimate when {@link sizeExact} is false. */
  size: number;
  /** False for a member of a cut-off zip whose size is not known or not all there. */
  sizeExact: boolean;
  /** Why it cannot be read (encrypted without its password, unsupported compression), else null. */
  problem: string | null;
  /** How it was encrypted, when it was decrypted with a password given to the import. */
  decrypted: ZipEncryption | null;
  open(): Promise<Readable>;
  /** After it was read: where its content stopped short or failed its check (a cut-off archive), else null. */
  cut(): InflateCut | null;
  /**
   * For a member of a zip found by its local header, when no member can be found after it: `cut`,
   * the archive ends inside it; `lost`, where it ends is not known. Else null.
   */
  endsWalk: 'cut' | 'lost' | null;
}

/** Where an import is given archive passwords (the CLI and the import dialog). */
const PASSWORD_ADVICE =
  "give its password (import --archive-passwords FILE, or MAILTRAIL_ARCHIVE_PASSWORD; in the app, the import dialog's archive password) and import the archive again (it stays stored as evidence)";

const ENCRYPTED_MEMBER = `encrypted archive member (a password-protected zip): ${PASSWORD_ADVICE}`;

/** Encrypted members are decrypted from an intact zip only: a salvaged one lacks the central directory's fields. */
const SALVAGED_ENCRYPTED =
  'encrypted member of a zip whose list of members is missing or damaged, which mailtrail does not decrypt: extract what a repair tool (zip -FF, 7-Zip) recovers, with its password, and import that (the archive itself stays stored as evidence)';

/** Why an encrypted member none of the passwords opens was not read. */
function wrongPasswords(count: number): string {
  return `encrypted archive member (a password-protected zip) that ${count === 1 ? 'the archive password given does not open' : `none of the ${count} archive passwords given opens`} (or whose data is damaged): ${PASSWORD_ADVICE}`;
}

function unsupportedMethod(method: number): string {
  return `compressed with ${COMPRESSION_METHODS.get(method) ?? `method ${method}`}, which mailtrail cannot decompress: extract it with 7-Zip and import what it holds (the archive itself stays stored as evidence)`;
}

/**
 * Lists and opens the members of a stored zip archive; directories are skipped.
 *
 * Member names are decoded here rather than by yauzl, whose name check (meant for extracting to
 * disk) rejects the whole archive at the first name with `..` or a leading `/`. Nothing is written
 * to disk under these names: they only label evidence, so an odd name is kept as it is written and
 * its member is read like the others.
 */
export async function* archiveMembers(
  db: Db,
  evidenceId: number,
  size: number,
  onSalvage?: (why: string) => void,
  passwords: readonly string[] = [],
): AsyncGenerator<ArchiveMember> {
  const reader = new EvidenceReader(db, evidenceId);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(reader, size, { lazyEntries: true, autoClose: false, decodeStrings: false });
  } catch (err) {
    // Its list of members is missing (cut off) or unreadable (a cut that left an inner zip's end
    // record last, damage): find them by their local headers instead.
    if (onSalvage === undefined) throw err;
    onSalvage((err as Error).message);
    yield* salvaged(reader, size, -1);
    return;
  }
  // Where the last member listed starts: a list that fails part-way is taken up from there.
  let listed = -1;
  try {
    for await (const entry of zip.eachEntry()) {
      listed = entry.relativeOffsetOfLocalHeader;
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
      if (name.endsWith('/')) continue;
      const encryption = encryptionOf(entry);
      if (encryption !== null && typeof encryption !== 'string') {
        yield await encryptedMember(zip, entry, name, encryption, passwords);
        continue;
      }
      const problem =
        typeof encryption === 'string'
          ? `${encryption}: extract it with the tool that made it and import what it holds (the archive itself stays stored as evidence)`
          : !entry.canDecodeFileData()
            ? unsupportedMethod(entry.compressionMethod)
            : null;
      yield {
        name,
        size: entry.uncompressedSize,
        sizeExact: true,
        problem,
        decrypted: null,
        open: () => zip.openReadStreamPromise(entry),
        cut: () => null,
        endsWalk: null,
      };
    }
  } catch (err) {
    if (onSalvage === undefined) throw err;
    onSalvage((err as Error).message);
    yield* salvaged(reader, size, listed);
  } finally {
    zip.close();
  }
}

/** The raw (still encrypted) bytes of a member's data from `start` to `end`. */
async function rawBytes(zip: yauzl.ZipFile, entry: yauzl.Entry, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of await zip.openReadStreamPromise(entry, { decodeFileData: false, start, end })) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/**
 * A password-protected member, opened with the first of `passwords` that decrypts it. Its content
 * is checked as it is read against the CRC-32 (ZipCrypto, AE-1), the size and AES's authentication
 * code (AE-1, AE-2): a mismatch is reported like a damaged member's.
 */
async function encryptedMember(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  name: string,
  encryption: EncryptedMember,
  passwords: readonly string[],
): Promise<ArchiveMember> {
  const dataEnd = entry.compressedSize - encryption.trailerBytes;
  const base = { name, size: entry.uncompressedSize, sizeExact: true, endsWalk: null, cut: () => null, decrypted: null };
  const refuse = (problem: string): ArchiveMember => ({ ...base, problem, open: () => Promise.reject(new Error(problem)) });
  if (passwords.length === 0) return refuse(ENCRYPTED_MEMBER);
  if (encryption.method !== 0 && encryption.method !== 8) return refuse(unsupportedMethod(encryption.method));
  if (dataEnd < encryption.headerBytes)
    return refuse('encrypted archive member too short to hold its encryption header: the archive is damaged (get it again)');
  const probeEnd = Math.min(dataEnd, encryption.headerBytes + PROBE_BYTES);
  let head: Buffer;
  // AES's authentication code after the data (none for ZipCrypto).
  let tail: Buffer;
  let key: PasswordKey | null;
  try {
    head = await rawBytes(zip, entry, 0, probeEnd);
    tail = await rawBytes(zip, entry, dataEnd, entry.compressedSize);
    const finding = findPassword(encryption, head, probeEnd === dataEnd ? tail : null, passwords);
    // AES: a key that passed the two-byte check and fails whole is taken all the same (the member is
    // damaged, as its read reports), so a lone candidate needs no pass of its own.
    const aes = encryption.scheme !== 'zipcrypto';
    key =
      finding.kind === 'verify'
        ? aes && finding.keys.length === 1
          ? finding.keys[0]!
          : ((await firstOpeningWhole(zip, entry, encryption, head, tail, finding.keys)) ?? (aes ? finding.keys[0]! : null))
        : finding.kind === 'none'
          ? null
          : finding.key;
  } catch (err) {
    // This member's data cannot be read (a damaged local header): it fails alone, the others still read.
    return refuse(`cannot read: ${(err as Error).message}`);
  }
  if (key === null) return refuse(wrongPasswords(passwords.length));
  const opening = key;
  const code = tail;
  let cut: InflateCut | null = null;
  return {
    ...base,
    problem: null,
    decrypted: encryption.scheme,
    open: () => {
      cut = null;
      let authentic = true;
      const decrypter = unlock(encryption, opening.bytes, head)!;
      async function* plain(): AsyncGenerator<Buffer> {
        const data = await zip.openReadStreamPromise(entry, { decodeFileData: false, start: encryption.headerBytes, end: dataEnd });
        for await (const c of data) yield decrypter.decrypt(c as Buffer);
        authentic = decrypter.authentic(code);
      }
      const content = encryption.method === 8 ? inflateAsFarAsItGoes(plain(), 'deflate-raw', (c) => (cut = c)) : plain();
      const checked = measured(content, (crc, bytes) => {
        if (cut === null && !(authentic && headerAgrees(encryption, crc, bytes))) cut = { how: 'checksum', contentBytes: bytes };
      });
      return Promise.resolve(Readable.from(checked, { objectMode: false }));
    },
    cut: () => cut,
  };
}

/**
 * The first of `keys` that decrypts a stored member to content that checks over all of it (size,
 * CRC-32 when kept, AES's code), or null: stored data tells nothing in its first bytes, so each
 * candidate costs a pass over the member (usually one: the examiner's password).
 */
async function firstOpeningWhole(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  encryption: EncryptedMember,
  head: Buffer,
  tail: Buffer,
  keys: readonly PasswordKey[],
): Promise<PasswordKey | null> {
  const dataEnd = entry.compressedSize - encryption.trailerBytes;
  for (const key of keys) {
    const d = unlock(encryption, key.bytes, head)!;
    let crc = 0;
    let bytes = 0;
    for await (const c of await zip.openReadStreamPromise(entry, { decodeFileData: false, start: encryption.headerBytes, end: dataEnd })) {
      const plain = d.decrypt(c as Buffer);
      crc = crc32(plain, crc);
      bytes += plain.length;
    }
    if (headerAgrees(encryption, crc, bytes) && d.authentic(tail)) return key;
  }
  return null;
}

/** Yields `content` as it is, then calls `onEnd` with its CRC-32 and length. */
async function* measured(
  content: AsyncIterable<Buffer> | Iterable<Buffer>,
  onEnd: (crc: number, bytes: number) => void,
): AsyncGenerator<Buffer> {
  let crc = 0;
  let bytes = 0;
  for await (const c of content) {
    crc = crc32(c, crc);
    bytes += c.length;
    yield c;
  }
  onEnd(crc, bytes);
}

/** The members found by their local headers after the one whose header is at `after`. */
async function* salvaged(reader: EvidenceReader, size: number, after: number): AsyncGenerator<ArchiveMember> {
  for await (const m of salvageZipMembers(reader, size)) {
    if (m.header > after && !m.name.endsWith('/')) yield salvagedMember(reader, size, m);
  }
}

/** Deflate data rarely shrinks below this share of its content: the size guessed for a member whose size is not known. */
const GUESSED_RATIO = 8;

/**
 * A member found by its local header ({@link salvageZipMembers}), read as far as its data goes.
 * Its CRC-32 and size are checked as it is read: a zip reader checks them against the central
 * directory, and with that gone they are the only sign of damage that still inflates.
 */
function salvagedMember(reader: EvidenceReader, archiveSize: number, m: SalvagedMember): ArchiveMember {
  const dataEnd = Math.min(m.end ?? archiveSize, archiveSize);
  const problem = m.encrypted
    ? SALVAGED_ENCRYPTED
    : m.method !== 0 && m.method !== 8
      ? unsupportedMethod(m.method)
      : m.ends === 'unknown'
        ? 'stored without compression and with its size after its data, in a zip whose list of members is missing, and no size after it agrees with where the next member starts: where it ends cannot be found, so it and the members after it are not read; extract what a repair tool (zip -FF, 7-Zip) recovers and import that'
        : null;
  let cut: InflateCut | null = null;
  const checked = (content: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> =>
    measured(content, (crc, bytes) => {
      if (cut === null && m.ends === 'cut') cut = { how: 'cut off', contentBytes: bytes };
      if (cut === null && ((m.crc !== null && crc !== m.crc) || (m.size !== null && bytes !== m.size)))
        cut = { how: 'checksum', contentBytes: bytes };
    });
  return {
    name: m.name,
    size: m.size ?? (dataEnd - m.start) * (m.method === 0 ? 1 : GUESSED_RATIO),
    sizeExact: m.size !== null && m.ends === 'whole',
    problem,
    decrypted: null,
    open: () => {
      const data = reader.range(m.start, dataEnd);
      const content = m.method === 8 ? inflateAsFarAsItGoes(data, 'deflate-raw', (c) => (cut = c)) : data;
      return Promise.resolve(Readable.from(checked(content), { objectMode: false }));
    },
    cut: () => cut,
    endsWalk: m.ends === 'whole' ? null : m.ends === 'cut' ? 'cut' : 'lost',
  };
}

/** The warning a member of a cut-off zip or tar gets when its content stopped short ({@link InflateCut}). */
export function describeMemberCut(archive: 'zip' | 'tar', { how, contentBytes }: InflateCut): string {
  const at = `${contentBytes.toLocaleString('en-US')} bytes of content`;
  if (contentBytes === 0 && how === 'damaged')
    return "this member's compressed data is damaged from its start: none of it could be read (get the archive again)";
  return how === 'cut off'
    ? `the ${archive} archive is cut off inside this member, after ${at}: its records up to there were read, the rest is missing (get the archive again)`
    : how === 'checksum'
      ? `this member fails its integrity check (CRC-32, size, or an encrypted member's authentication code; ${at} read): some of it is damaged, and records that did not read were quarantined (get the archive again)`
      : `this member's compressed data is damaged after ${at}: its records up to there were read, the rest is missing (get the archive again)`;
}

/**
 * Lists and opens the regular files of a stored tar archive ({@link tarMembers}); `onEnd` says how
 * the walk stopped.
 */
export function* tarArchiveMembers(
  db: Db,
  evidenceId: number,
  size: number,
  onEnd: (how: TarEnd, gaps: TarGaps) => void,
): Generator<ArchiveMember> {
  const reader = new EvidenceReader(db, evidenceId);
  for (const m of tarMembers(reader, size, onEnd)) {
    const available = Math.min(m.size, size - m.start);
    yield {
      name: m.name,
      size: m.size,
      sizeExact: !m.cut,
      problem: m.problem,
      decrypted: null,
      open: () => Promise.resolve(Readable.from(reader.range(m.start, m.start + available), { objectMode: false })),
      cut: () => (m.cut ? { how: 'cut off', contentBytes: available } : null),
      endsWalk: null,
    };
  }
}

/**
 * The names of the members of a stored zip archive (directories aside), from its central
 * directory; those read before it fails, when it is missing or damaged (a cut-off zip's members
 * are found as they are read).
 */
export async function archiveNames(db: Db, evidenceId: number, size: number): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const m of archiveMembers(db, evidenceId, size)) names.push(m.name);
  } catch {
    // Reading its members says what is wrong (or finds them by their local headers).
  }
  return names;
}

/** Deflate's best ratio: no content is more than this many times its compressed size. */
const DEFLATE_MAX_RATIO = 1032;

/**
 * The size a stored gzip file inflates to, from its trailer (ISIZE: the content's size mod 2^32):
 * it decides whether the content joins a group commit and how progress is shown. An estimate: a
 * file cut off, of several members, or of more than 4 GiB of content has another value there, so
 * it is bounded by deflate's best ratio, and the compressed size × 8 stands in when it is smaller
 * than the file.
 */
export function gzipContentEstimate(db: Db, evidenceId: number, size: number): number {
  if (size < 18) return size * 8; // shorter than a header and a trailer
  const isize = new EvidenceReader(db, evidenceId).bytesAt(size - 4, 4).readUInt32LE(0);
  return isize >= size ? Math.min(isize, size * DEFLATE_MAX_RATIO) : size * 8;
}

/** How a compressed stream (a gzip file, a deflated zip member) ended early. */
export interface InflateCut {
  /**
   * `cut off`: the file ends inside the stream; `damaged`: bytes that do not inflate; `checksum`:
   * it inflated to its end but fails the gzip trailer's CRC-32 or length, so some content is wrong.
   */
  how: 'cut off' | 'damaged' | 'checksum';
  /** Bytes of content read before it. */
  contentBytes: number;
}

/** The warning a content row gets when its gzip file ended early ({@link InflateCut}). */
export function describeGzipCut({ how, contentBytes }: InflateCut): string {
  const at = `${contentBytes.toLocaleString('en-US')} bytes of content`;
  if (contentBytes === 0 && how === 'damaged')
    return 'the gzip file is damaged from its start: none of its content could be read (get the file again)';
  return how === 'checksum'
    ? `the gzip file fails its checksum (CRC-32) after ${at}: some of it is damaged, and records that did not read were quarantined (get the file again)`
    : `the gzip file is ${how} after ${at}: its records up to there were read, the rest is missing (get the file again)`;
}

/** Compressed bytes handed to the inflater at a time: bounds what one step can inflate to. */
const INFLATE_PIECE = 64 * 1024;
/**
 * Compressed bytes at the end fed one at a time: the 8-byte trailer and the start of any bytes
 * after it (4 KiB: ≈ 4,000 writes, a few tens of milliseconds a file).
 */
const INFLATE_HOLD = 4096;

/**
 * The content of a stored gzip file (or of a deflated member of a cut-off zip), as far as it
 * inflates: a download cut off (or a file damaged) part-way keeps everything before the break
 * rather than failing whole, and `onCut` says where it stopped, so the import can read those
 * records and warn that the rest is missing.
 *
 * The inflater is fed piece by piece and its output taken as it comes, not read through the
 * stream's iterator: an iterator throws at the error and drops output still buffered before it.
 * Node's zlib also drops the output of the write it fails in, hence the last bytes one at a time;
 * damage earlier in the file loses at most what one piece inflates to.
 */
export async function* inflateAsFarAsItGoes(
  source: AsyncIterable<Buffer> | Iterable<Buffer>,
  format: 'gzip' | 'deflate-raw',
  onCut: (cut: InflateCut) => void,
): AsyncGenerator<Buffer> {
  const inflater = format === 'gzip' ? createGunzip() : createInflateRaw();
  const out: Buffer[] = [];
  let failure: Error | null = null;
  inflater.on('data', (c: Buffer) => out.push(c));
  inflater.on('error', (err) => {
    failure ??= err;
  });
  // A write's callback does not come when the inflater fails inside it (it is destroyed): its
  // 'close' ends the step then.
  const step = (write: (done: () => void) => void): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        inflater.off('close', done);
        resolve();
      };
      inflater.once('close', done);
      write(done);
    });
  let contentBytes = 0;
  // The last bytes are held back and fed one at a time: a bad checksum or bytes after the end
  // are found there, and the output of the write that fails is dropped, so that write must hold
  // no content.
  let held: Buffer = Buffer.alloc(0);
  async function* feed(bytes: Buffer, piece: number): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length && failure === null; at += piece) {
      await step((done) => inflater.write(bytes.subarray(at, at + piece), () => done()));
      for (let c = out.shift(); c !== undefined; c = out.shift()) {
        contentBytes += c.length;
        yield c;
      }
    }
  }
  try {
    for await (const chunk of source) {
      const all = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
      // Raw deflate (a zip member) has no trailer after its data: nothing to hold back.
      const keep = Math.min(format === 'gzip' ? INFLATE_HOLD : 0, all.length);
      held = Buffer.from(all.subarray(all.length - keep));
      yield* feed(all.subarray(0, all.length - keep), INFLATE_PIECE);
      if (failure !== null) break;
    }
    if (failure === null) yield* feed(held, 1);
    if (failure === null) {
      await step((done) => {
        inflater.once('end', done);
        inflater.once('error', done);
        inflater.end();
      });
    }
    for (let c = out.shift(); c !== undefined; c = out.shift()) {
      contentBytes += c.length;
      yield c;
    }
  } finally {
    inflater.destroy();
  }
  const err = failure as Error | null;
  if (err === null) return;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') onCut({ how: 'cut off', contentBytes });
  else if (code === 'Z_DATA_ERROR')
    onCut({ how: /incorrect (data|length) check/.test(err.message) ? 'checksum' : 'damaged', contentBytes });
  else throw err;
}
