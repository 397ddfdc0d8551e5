/**
 * Password-protected zip members: traditional PKWARE encryption ("ZipCrypto", what `zip -P` and
 * Windows write) and WinZip AES (AE-1/AE-2, what 7-Zip and WinZip write when asked for AES).
 * Evidence is often handed over in such archives; decrypting them here keeps the content out of
 * plaintext files on the examiner's disk: the archive is stored as it was received, and each member
 * is decrypted from the stored bytes into the encrypted case.
 *
 * yauzl reads the raw (still encrypted) member data; the ciphers come from `node:crypto`. What is
 * hand-written is only the glue the two formats specify (APPNOTE 6.1 and WinZip's AE spec): the
 * ZipCrypto key schedule, and AES in CTR mode with WinZip's little-endian counter, which Node's
 * `aes-*-ctr` (a big-endian counter) does not produce.
 */
import { createCipheriv, createHmac, pbkdf2Sync, timingSafeEqual, type Cipher, type Hmac } from 'node:crypto';
import { constants, crc32, inflateRawSync } from 'node:zlib';

/** How a member is encrypted. */
export type ZipEncryption = 'zipcrypto' | 'aes-128' | 'aes-192' | 'aes-256';

/** The header fields of a zip entry that say how it is encrypted (as yauzl reads them). */
export interface ZipEntryFields {
  generalPurposeBitFlag: number;
  compressionMethod: number;
  extraFields: ReadonlyArray<{ id: number; data: Buffer }>;
  crc32: number;
  lastModFileTime: number;
  uncompressedSize: number;
}

/** An encrypted member's protection, from its header fields. */
export interface EncryptedMember {
  scheme: ZipEncryption;
  /** Compression method of the decrypted data (AES keeps it in its extra field). */
  method: number;
  /** Bytes before the encrypted data: ZipCrypto's 12-byte header, or AES's salt and verifier. */
  headerBytes: number;
  /** Bytes after it: AES's 10-byte authentication code. */
  trailerBytes: number;
  /** Whether the CRC-32 in the header is the content's: AE-2 sets it to 0 and relies on the code. */
  crcValid: boolean;
  /** The content's CRC-32 (when {@link crcValid}) and size, from the header. */
  crc: number;
  contentBytes: number;
  /** Values ZipCrypto's header decrypts to last with the right password (none for AES). */
  checkBytes: readonly number[];
}

const ENCRYPTED = 0x01;
const DATA_DESCRIPTOR = 0x08;
const STRONG_ENCRYPTION = 0x40;
const AES_METHOD = 99;
const AES_EXTRA = 0x9901;
const AES_KEY_BYTES: Record<number, number> = { 1: 16, 2: 24, 3: 32 };
const AES_AUTH_BYTES = 10;
const ZIPCRYPTO_HEADER = 12;

/**
 * How `entry` is encrypted, or why it cannot be decrypted here (a string), or null when it is not
 * encrypted.
 */
export function encryptionOf(entry: ZipEntryFields): EncryptedMember | string | null {
  const flags = entry.generalPurposeBitFlag;
  if ((flags & ENCRYPTED) === 0) return null;
  if ((flags & STRONG_ENCRYPTION) !== 0) return 'encrypted with PKWARE strong encryption, which mailtrail does not decrypt';
  if (entry.compressionMethod === AES_METHOD) {
    const extra = entry.extraFields.find((f) => f.id === AES_EXTRA);
    if (extra === undefined || extra.data.length < 7 || extra.data.toString('latin1', 2, 4) !== 'AE')
      return 'encrypted with AES but without the WinZip AES header field, which mailtrail cannot read';
    const version = extra.data.readUInt16LE(0);
    const keyBytes = AES_KEY_BYTES[extra.data[4]!];
    if (keyBytes === undefined) return `encrypted with AES of an unknown strength (${extra.data[4]})`;
    return {
      scheme: `aes-${keyBytes * 8}` as ZipEncryption,
      method: extra.data.readUInt16LE(5),
      headerBytes: keyBytes / 2 + 2,
      trailerBytes: AES_AUTH_BYTES,
      crcValid: version === 1,
      crc: entry.crc32,
      contentBytes: entry.uncompressedSize,
      checkBytes: [],
    };
  }
  // With its sizes and CRC after the data (bit 3), Info-ZIP checks the high byte of the time instead.
  const checkBytes = [entry.crc32 >>> 24];
  if ((flags & DATA_DESCRIPTOR) !== 0) checkBytes.push((entry.lastModFileTime >>> 8) & 0xff);
  return {
    scheme: 'zipcrypto',
    method: entry.compressionMethod,
    headerBytes: ZIPCRYPTO_HEADER,
    trailerBytes: 0,
    crcValid: true,
    crc: entry.crc32,
    contentBytes: entry.uncompressedSize,
    checkBytes,
  };
}

/** Decrypts one member's data in order, piece by piece. */
export interface MemberDecrypter {
  /** The plaintext of the next piece of encrypted data. */
  decrypt(data: Buffer): Buffer;
  /** True when the data decrypted so far matches the AES authentication code (always true for ZipCrypto, which has none). */
  authentic(code: Buffer): boolean;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The traditional PKWARE cipher: three 32-bit keys stirred by each plaintext byte. */
class ZipCryptoDecrypter implements MemberDecrypter {
  private k0 = 0x12345678;
  private k1 = 0x23456789;
  private k2 = 0x34567890;

  constructor(password: Buffer) {
    for (const b of password) this.update(b);
  }

  private update(b: number): void {
    this.k0 = (CRC_TABLE[(this.k0 ^ b) & 0xff]! ^ (this.k0 >>> 8)) >>> 0;
    this.k1 = (Math.imul((this.k1 + (this.k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
    this.k2 = (CRC_TABLE[(this.k2 ^ (this.k1 >>> 24)) & 0xff]! ^ (this.k2 >>> 8)) >>> 0;
  }

  decrypt(data: Buffer): Buffer {
    const out = Buffer.allocUnsafe(data.length);
    // The keys in locals rather than fields for the loop (≈ 100 MB/s here).
    let { k0, k1, k2 } = this;
    for (let i = 0; i < data.length; i++) {
      const t = (k2 | 2) & 0xffff;
      const p = data[i]! ^ ((Math.imul(t, t ^ 1) >>> 8) & 0xff);
      out[i] = p;
      k0 = CRC_TABLE[(k0 ^ p) & 0xff]! ^ (k0 >>> 8);
      k1 = (Math.imul((k1 + (k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
      k2 = CRC_TABLE[(k2 ^ (k1 >>> 24)) & 0xff]! ^ (k2 >>> 8);
    }
    this.k0 = k0 >>> 0;
    this.k1 = k1;
    this.k2 = k2 >>> 0;
    return out;
  }

  authentic(): boolean {
    return true;
  }
}

/** Keystream blocks made at a time (64 KiB). */
const AES_BLOCKS = 4096;

/** WinZip AES: CTR mode with a little-endian counter from 1, HMAC-SHA1 over the ciphertext. */
class AesDecrypter implements MemberDecrypter {
  private readonly ecb: Cipher;
  private readonly mac: Hmac;
  private counter = 1;
  private stream = Buffer.alloc(0);
  private at = 0;

  constructor(aesKey: Buffer, macKey: Buffer) {
    this.ecb = createCipheriv(`aes-${aesKey.length * 8}-ecb`, aesKey, null).setAutoPadding(false);
    this.mac = createHmac('sha1', macKey);
  }

  private refill(need: number): void {
    const blocks = Math.min(AES_BLOCKS, Math.ceil(need / 16));
    const counters = Buffer.alloc(blocks * 16);
    for (let b = 0; b < blocks; b++, this.counter++) {
      counters.writeUInt32LE(this.counter % 0x1_0000_0000, b * 16);
      counters.writeUInt32LE(Math.floor(this.counter / 0x1_0000_0000), b * 16 + 4);
    }
    this.stream = this.ecb.update(counters);
    this.at = 0;
  }

  decrypt(data: Buffer): Buffer {
    this.mac.update(data);
    const out = Buffer.allocUnsafe(data.length);
    for (let i = 0; i < data.length;) {
      if (this.at === this.stream.length) this.refill(data.length - i);
      const n = Math.min(data.length - i, this.stream.length - this.at);
      for (let j = 0; j < n; j++) out[i + j] = data[i + j]! ^ this.stream[this.at + j]!;
      i += n;
      this.at += n;
    }
    return out;
  }

  authentic(code: Buffer): boolean {
    const mine = this.mac.digest().subarray(0, AES_AUTH_BYTES);
    return code.length === AES_AUTH_BYTES && timingSafeEqual(mine, code);
  }
}

/** A password and one byte string it may have been encrypted with. */
export interface PasswordKey {
  password: string;
  bytes: Buffer;
}

/**
 * The byte strings each password may have been encrypted with, in order: UTF-8, and the
 * single-byte form older Windows tools used, each tried on its own (either may pass a header check
 * by chance).
 */
export function passwordKeys(passwords: readonly string[]): PasswordKey[] {
  const keys: PasswordKey[] = [];
  for (const password of passwords) {
    const utf8 = Buffer.from(password, 'utf8');
    keys.push({ password, bytes: utf8 });
    const singleByte = [...password].every((c) => c.charCodeAt(0) <= 0xff);
    const latin1 = Buffer.from(password, 'latin1');
    if (singleByte && !utf8.equals(latin1)) keys.push({ password, bytes: latin1 });
  }
  return keys;
}

/**
 * A decrypter for the member's data (positioned after its `header`) when `key` passes the header's
 * check, else null. The check is a single byte for ZipCrypto (1 in 256 wrong passwords pass it) and
 * two for AES: {@link findPassword} looks further.
 */
export function unlock(m: EncryptedMember, key: Buffer, header: Buffer): MemberDecrypter | null {
  if (header.length < m.headerBytes) return null;
  if (m.scheme === 'zipcrypto') {
    const d = new ZipCryptoDecrypter(key);
    const plain = d.decrypt(header.subarray(0, ZIPCRYPTO_HEADER));
    return m.checkBytes.includes(plain[ZIPCRYPTO_HEADER - 1]!) ? d : null;
  }
  const keyBytes = (m.headerBytes - 2) * 2;
  const salt = header.subarray(0, keyBytes / 2);
  const derived = pbkdf2Sync(key, salt, 1000, keyBytes * 2 + 2, 'sha1');
  if (!derived.subarray(keyBytes * 2).equals(header.subarray(keyBytes / 2, keyBytes / 2 + 2))) return null;
  return new AesDecrypter(derived.subarray(0, keyBytes), derived.subarray(keyBytes, keyBytes * 2));
}

/** Encrypted bytes after the header that {@link findPassword} decrypts to tell a wrong password that passed the header check. */
export const PROBE_BYTES = 16 * 1024;

/**
 * Bytes of a damaged member's deflate data that must inflate before a password is taken for its
 * own: random data (a wrong password that passed the header check) that inflates at all stops
 * within a few dozen bytes.
 */
const DAMAGED_MIN_CLEAN = 256;

/** What {@link findPassword} concluded. */
export type PasswordFinding =
  /** The key's content checks (whole: CRC-32, size, AES code; else deflate data through the probe). */
  | { kind: 'opens'; key: PasswordKey }
  /** Stored data longer than the probe, which tells nothing: each key must be checked over the whole member, in order. */
  | { kind: 'verify'; keys: PasswordKey[] }
  /** Deflate data that inflates far with this key, then fails: the member is damaged there. */
  | { kind: 'damaged'; key: PasswordKey }
  | { kind: 'none' };

/**
 * Which of `passwords` opens the member, given its first bytes: `head` holds the header and up to
 * {@link PROBE_BYTES} of data, and `tail` is the member's trailer (AES's code; empty for ZipCrypto)
 * when `head` holds all of its data, else null.
 *
 * A key that passes the header's check must also give content that checks: the member's CRC-32,
 * size and AES code when the probe holds all of it ({@link wholeChecks}); else deflate data that
 * inflates through the whole probe (random data that inflates at all reaches an early end of
 * stream: about 1 wrong ZipCrypto password in 40,000 does); stored data longer than the probe is
 * left to the caller to check whole (`verify`). When no key gives that and the deflate data of one
 * inflates past {@link DAMAGED_MIN_CLEAN} bytes before it fails, the member is damaged there and that
 * key is taken, as is, for AES, the first key that passed its two-byte check; nothing tells a wrong
 * ZipCrypto password from damage in stored data.
 */
export function findPassword(m: EncryptedMember, head: Buffer, tail: Buffer | null, passwords: readonly string[]): PasswordFinding {
  const toVerify: PasswordKey[] = [];
  let best: { key: PasswordKey; clean: number } | null = null;
  let firstPassing: PasswordKey | null = null;
  for (const key of passwordKeys(passwords)) {
    const d = unlock(m, key.bytes, head);
    if (d === null) continue;
    firstPassing ??= key;
    const plain = d.decrypt(head.subarray(m.headerBytes));
    if (m.method !== 8) {
      if (tail === null) toVerify.push(key);
      else if (wholeChecks(m, plain, d, tail)) return { kind: 'opens', key };
      continue;
    }
    const out = inflated(plain, tail !== null);
    if (out !== null && (tail !== null ? wholeChecks(m, out.content, d, tail) : out.consumed === plain.length))
      return { kind: 'opens', key };
    const clean = out !== null ? out.consumed : inflatingPrefix(plain);
    if (best === null || clean > best.clean) best = { key, clean };
  }
  if (toVerify.length > 0) return { kind: 'verify', keys: toVerify };
  if (best !== null && best.clean >= DAMAGED_MIN_CLEAN) return { kind: 'damaged', key: best.key };
  // AES's two-byte check lets 1 wrong password in 65,536 through: content that fails after it is damage.
  return m.scheme !== 'zipcrypto' && firstPassing !== null ? { kind: 'damaged', key: firstPassing } : { kind: 'none' };
}

/**
 * True when `content` is the member's whole content, `d` having decrypted all of its data: its
 * size, its CRC-32 when the header keeps it, and AES's authentication code (`tail`).
 */
export function wholeChecks(m: EncryptedMember, content: Buffer, d: MemberDecrypter, tail: Buffer): boolean {
  return headerAgrees(m, crc32(content), content.length) && d.authentic(tail);
}

/** True when content of this CRC-32 and length is what the header says: its size, and its CRC-32 when it keeps it. */
export function headerAgrees(m: EncryptedMember, crc: number, bytes: number): boolean {
  return bytes === m.contentBytes && (!m.crcValid || crc === m.crc);
}

/**
 * What `data` inflates to as the start of a raw deflate stream (or, `whole`, as all of one) and how
 * much of it the stream took (less than all of it when the stream ends early), or null at an error.
 * Only probes are inflated here: at most {@link PROBE_BYTES}, so at most ≈ 16.5 MiB of content
 * (deflate's best ratio is 1,032).
 */
function inflated(data: Buffer, whole = false): { content: Buffer; consumed: number } | null {
  try {
    const r = inflateRawSync(data, { finishFlush: whole ? constants.Z_FINISH : constants.Z_SYNC_FLUSH, info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    return { content: r.buffer, consumed: r.engine.bytesWritten };
  } catch {
    return null;
  }
}

/** How many bytes of `data` inflate without an error (an error in a prefix stays in every longer one). */
function inflatingPrefix(data: Buffer): number {
  let good = 0;
  let bad = data.length;
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (inflated(data.subarray(0, mid)) !== null) good = mid;
    else bad = mid;
  }
  return inflated(data.subarray(0, good))?.consumed ?? 0;
}
