import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { encryptionOf, findPassword, passwordKeys, unlock, type EncryptedMember } from './zip-crypto';

const DIR = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'archives', 'encrypted');
const RECORDS = readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'ual-json', 'records.jsonl'));

/** The first encrypted entry of a fixture named like `name` and its raw (encrypted) data. */
async function firstMember(file: string, name: RegExp): Promise<{ entry: yauzl.Entry; raw: Buffer }> {
  const zip = await yauzl.openPromise(join(DIR, file), { lazyEntries: true });
  try {
    for await (const entry of zip.eachEntry()) {
      if (!name.test(entry.fileName)) continue;
      const parts: Buffer[] = [];
      for await (const c of await zip.openReadStreamPromise(entry, { decodeFileData: false })) parts.push(c as Buffer);
      return { entry, raw: Buffer.concat(parts) };
    }
  } finally {
    zip.close();
  }
  throw new Error(`no ${String(name)} in ${file}`);
}

/** Decrypts (and inflates) a whole member the way the importer does, in pieces of `piece` bytes. */
function decryptAll(m: EncryptedMember, raw: Buffer, password: string, piece: number): { content: Buffer; authentic: boolean } {
  const key = passwordKeys([password]).find((k) => unlock(m, k.bytes, raw) !== null)!;
  const d = unlock(m, key.bytes, raw)!;
  expect(d).not.toBeNull();
  const data = raw.subarray(m.headerBytes, raw.length - m.trailerBytes);
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += piece) parts.push(d.decrypt(data.subarray(at, at + piece)));
  const plain = Buffer.concat(parts);
  return {
    content: m.method === 8 ? inflateRawSync(plain) : plain,
    authentic: d.authentic(raw.subarray(raw.length - m.trailerBytes)),
  };
}

describe('encrypted zip members', () => {
  it.each([
    ['zipcrypto.zip', 'zipcrypto', 'infected'],
    ['zipcrypto-streamed.zip', 'zipcrypto', 'infected'],
    ['zipcrypto-utf8-password.zip', 'zipcrypto', 'Ünïcode pässword'],
    // Written with the password's single-byte (Windows-1252 / Latin-1) form, as older Windows tools did.
    ['zipcrypto-latin1-password.zip', 'zipcrypto', 'Über'],
    ['aes256.zip', 'aes-256', 'infected'],
    ['aes128-stored.zip', 'aes-128', 'infected'],
  ])('%s (%s) decrypts to the original bytes, in any piece size', async (file, scheme, password) => {
    const { entry, raw } = await firstMember(file, /records\.jsonl$|^-$/);
    const m = encryptionOf(entry) as EncryptedMember;
    expect(m.scheme).toBe(scheme);
    for (const piece of [1, 7, 16, 4096, 1 << 20]) {
      const { content, authentic } = decryptAll(m, raw, password, piece);
      expect(content.equals(RECORDS)).toBe(true);
      expect(authentic).toBe(true);
    }
  });

  /** What findPassword concludes for `raw` (header, data, trailer) probed whole or through its first `probe` bytes of data. */
  const find = (m: EncryptedMember, raw: Buffer, passwords: string[], probe?: number) => {
    const dataEnd = raw.length - m.trailerBytes;
    const whole = probe === undefined || m.headerBytes + probe >= dataEnd;
    const head = raw.subarray(0, whole ? dataEnd : m.headerBytes + probe);
    const f = findPassword(m, head, whole ? raw.subarray(dataEnd) : null, passwords);
    return f.kind === 'opens' || f.kind === 'damaged'
      ? `${f.kind} ${f.key.password}`
      : f.kind === 'verify'
        ? f.keys.map((k) => k.password)
        : f.kind;
  };

  it('finds the right password among wrong ones, and none when it is not given', async () => {
    for (const file of ['zipcrypto.zip', 'aes256.zip']) {
      const { entry, raw } = await firstMember(file, /records\.jsonl$/);
      const m = encryptionOf(entry) as EncryptedMember;
      // Enough wrong passwords that some pass ZipCrypto's one-byte check: the content checks turn them away.
      // (AES derives a key for each, a millisecond apiece: fewer.)
      const wrong = Array.from({ length: file === 'aes256.zip' ? 100 : 2000 }, (_, i) => `guess-${i}`);
      expect(find(m, raw, [...wrong, 'infected'])).toBe('opens infected');
      expect(find(m, raw, wrong)).toBe('none');
      // A probe of part of the data: the wrong ones still fail (none inflates through it).
      expect(find(m, raw, [...wrong, 'infected'], 300)).toBe('opens infected');
      expect(find(m, raw, wrong, 300)).toBe('none');
      if (m.scheme === 'zipcrypto') expect(wrong.filter((p) => unlock(m, Buffer.from(p), raw) !== null).length).toBeGreaterThan(0);
    }
  });

  it('turns away wrong ZipCrypto passwords whose data happens to inflate (an early end of stream)', async () => {
    const { entry, raw } = await firstMember('zipcrypto.zip', /records\.jsonl$/);
    const m = encryptionOf(entry) as EncryptedMember;
    const inflatesCleanly = (p: string): boolean => {
      const d = unlock(m, Buffer.from(p), raw);
      if (d === null) return false;
      try {
        inflateRawSync(d.decrypt(raw.subarray(m.headerBytes)), { finishFlush: constants.Z_SYNC_FLUSH });
        return true;
      } catch {
        return false;
      }
    };
    // About 1 in 40,000 wrong passwords passes the check byte and decrypts to data that inflates.
    const lucky = Array.from({ length: 200_000 }, (_, i) => `guess-${i}`).filter(inflatesCleanly);
    expect(lucky.length).toBeGreaterThan(0);
    for (const probe of [undefined, 400]) {
      expect(find(m, raw, lucky, probe)).toBe('none');
      expect(find(m, raw, [...lucky, 'infected'], probe)).toBe('opens infected');
    }
  });

  it('stored data: whole, only the content that checks opens it; longer than the probe, every key passing the header is left to check whole', async () => {
    for (const [file, member] of [
      ['aes128-stored.zip', /records\.jsonl$/],
      ['zipcrypto-stored-large.zip', /ual-stored\.jsonl$/],
    ] as const) {
      const { entry, raw } = await firstMember(file, member);
      const m = encryptionOf(entry) as EncryptedMember;
      expect(m.method).toBe(0);
      const wrong = Array.from({ length: m.scheme === 'zipcrypto' ? 2000 : 50 }, (_, i) => `guess-${i}`);
      const passing = wrong.filter((p) => unlock(m, Buffer.from(p), raw) !== null);
      if (m.scheme === 'zipcrypto') expect(passing.length).toBeGreaterThan(0);
      // Whole in the probe: checked there (no wrong password is taken for damage).
      expect(find(m, raw, wrong)).toBe('none');
      expect(find(m, raw, [...wrong, 'infected'])).toBe('opens infected');
      // Through a probe of part of it: nothing tells, so all that pass the header go to be checked whole.
      expect(find(m, raw, [...wrong, 'infected'], 1000)).toEqual([...passing, 'infected']);
    }
  });

  it("tries a password's single-byte form even when its UTF-8 form passes the header check by chance", async () => {
    const { entry, raw } = await firstMember('zipcrypto-latin1-password.zip', /records\.jsonl$/);
    const real = encryptionOf(entry) as EncryptedMember;
    // The check byte the UTF-8 form decrypts to, accepted as well: as if it had passed by chance.
    const utf8 = new Uint8Array(Buffer.from('Über', 'utf8'));
    const header = raw.subarray(0, real.headerBytes);
    const lastByte = (k: Uint8Array) => {
      for (let b = 0; b < 256; b++) if (unlock({ ...real, checkBytes: [b] }, Buffer.from(k), header) !== null) return b;
      throw new Error('no check byte');
    };
    const m = { ...real, checkBytes: [...real.checkBytes, lastByte(utf8)] };
    expect(unlock(m, Buffer.from(utf8), header)).not.toBeNull();
    expect(find(m, raw, ['Über'])).toBe('opens Über');
    expect(passwordKeys(['Über']).map((k) => k.bytes.toString('hex'))).toEqual(['c39c626572', 'dc626572']);
  });

  it('a changed byte of AES data fails its authentication code', async () => {
    const aes = await firstMember('aes128-stored.zip', /records\.jsonl$/);
    const m = encryptionOf(aes.entry) as EncryptedMember;
    const tampered = Buffer.from(aes.raw);
    tampered[m.headerBytes + 100]! ^= 0x01;
    const out = decryptAll(m, tampered, 'infected', 4096);
    expect(out.authentic).toBe(false);
    expect(out.content.equals(RECORDS)).toBe(false);
  });

  it('says why it cannot decrypt: strong encryption, AES without its header field', () => {
    const base = { compressionMethod: 8, extraFields: [], crc32: 0x12345678, lastModFileTime: 0xabcd, uncompressedSize: 10 };
    expect(encryptionOf({ ...base, generalPurposeBitFlag: 0 })).toBeNull();
    expect(encryptionOf({ ...base, generalPurposeBitFlag: 0x41 })).toMatch(/PKWARE strong encryption/);
    expect(encryptionOf({ ...base, generalPurposeBitFlag: 1, compressionMethod: 99 })).toMatch(/without the WinZip AES header field/);
    expect(encryptionOf({ ...base, generalPurposeBitFlag: 1 })).toMatchObject({ scheme: 'zipcrypto', checkBytes: [0x12] });
    // Streamed (sizes after the data): the time's high byte is the check.
    expect(encryptionOf({ ...base, generalPurposeBitFlag: 9 })).toMatchObject({ checkBytes: [0x12, 0xab] });
    const ae = (version: number, strength: number) => {
      const data = Buffer.from([0, 0, 0x41, 0x45, strength, 8, 0]);
      data.writeUInt16LE(version, 0);
      return encryptionOf({ ...base, generalPurposeBitFlag: 1, compressionMethod: 99, extraFields: [{ id: 0x9901, data }] });
    };
    expect(ae(1, 3)).toMatchObject({ scheme: 'aes-256', method: 8, headerBytes: 18, trailerBytes: 10, crcValid: true });
    expect(ae(2, 2)).toMatchObject({ scheme: 'aes-192', headerBytes: 14, crcValid: false });
    expect(ae(2, 9)).toMatch(/unknown strength/);
  });
});
