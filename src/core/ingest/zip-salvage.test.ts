import { Readable } from 'node:stream';
import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { ByteSource } from './byte-source';
import { salvageZipMembers, type SalvagedMember } from './zip-salvage';

type Way = 'sizes first' | 'data descriptor' | 'zip64';

/** A zip of `members`: sizes in the local headers (buffers), after the data (streams), or Zip64. */
async function zipOf(members: { name: string; data: Buffer; compress?: boolean }[], way: Way): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const m of members) {
    const options = { compress: m.compress ?? true, forceZip64Format: way === 'zip64' };
    if (way === 'data descriptor') zip.addReadStream(Readable.from([m.data]), m.name, options);
    else zip.addBuffer(m.data, m.name, options);
  }
  zip.end();
  const parts: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

function source(bytes: Buffer): ByteSource {
  return { bytesAt: (start, length) => bytes.subarray(start, start + length) };
}

async function walk(bytes: Buffer): Promise<SalvagedMember[]> {
  const found: SalvagedMember[] = [];
  for await (const m of salvageZipMembers(source(bytes), bytes.length)) found.push(m);
  return found;
}

/** What a found member holds, as far as its data goes. */
function content(bytes: Buffer, m: SalvagedMember): Buffer {
  const data = bytes.subarray(m.start, Math.min(m.end ?? bytes.length, bytes.length));
  if (m.method === 0) return data;
  // A cut member inflates as far as it goes: the sync call throws, so inflate it piece by piece.
  try {
    return inflateRawSync(data);
  } catch {
    return Buffer.alloc(0);
  }
}

const lines = (n: number, tag: string): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => `{"Id":"${tag}-${i}","Operation":"MailItemsAccessed","n":${i * 7919}}\n`).join(''));

const MEMBERS = [
  { name: 'export/purview.csv', data: lines(50, 'a') },
  { name: 'export/ü-signins.json', data: lines(4000, 'b') },
  { name: 'export/README.txt', data: Buffer.from('stored as is'), compress: false },
];

/** Where the local header naming `name` starts (its first occurrence is the local header). */
function headerOf(bytes: Buffer, name: string): number {
  return bytes.indexOf(Buffer.from(name)) - 30;
}

describe('finding the members of a zip by their local headers', () => {
  for (const way of ['sizes first', 'data descriptor', 'zip64'] as const) {
    it(`finds every member of a zip whose list of members is cut off (${way})`, async () => {
      const whole = await zipOf(MEMBERS, way);
      // Cut inside the central directory: every member is whole.
      const cut = whole.subarray(0, whole.length - 30);
      const found = await walk(cut);
      expect(found.map((m) => [m.name, m.ends, m.size])).toEqual(MEMBERS.map((m) => [m.name, 'whole', m.data.length]));
      found.forEach((m, k) => expect(m.crc, m.name).toBe(crc32(MEMBERS[k]!.data)));
      found.forEach((m, k) => expect(content(cut, m).equals(MEMBERS[k]!.data), m.name).toBe(true));
    });

    it(`reads the member a cut falls in as far as it goes, and stops there (${way})`, async () => {
      const whole = await zipOf(MEMBERS, way);
      const second = headerOf(whole, 'export/ü-signins.json');
      const third = headerOf(whole, 'export/README.txt');
      const cut = whole.subarray(0, Math.floor((second + third) / 2));
      const found = await walk(cut);
      expect(found.map((m) => [m.name, m.ends])).toEqual([
        ['export/purview.csv', 'whole'],
        ['export/ü-signins.json', 'cut'],
      ]);
      expect(content(cut, found[0]!).equals(MEMBERS[0]!.data)).toBe(true);
      // Sizes in the header: the member's whole size is known even though only part of it is there.
      expect(found[1]!.size).toBe(way === 'data descriptor' ? null : MEMBERS[1]!.data.length);
      expect(found[1]!.end === null).toBe(way === 'data descriptor');
    });
  }

  it('finds where a stored member with its size after its data ends by the descriptor that agrees, even with a stored zip inside', async () => {
    const inner = await zipOf(
      [
        { name: 'in/a.json', data: lines(30, 'i'), compress: false },
        { name: 'in/b.json', data: lines(30, 'j'), compress: false },
      ],
      'data descriptor',
    );
    const members = [
      { name: 'a.json', data: lines(20, 'a') },
      { name: 'b.json', data: lines(20, 'b'), compress: false },
      { name: 'nested.zip', data: inner, compress: false },
      { name: 'c.json', data: lines(20, 'c') },
    ];
    const whole = await zipOf(members, 'data descriptor');
    // The inner zip's own headers and descriptors come before the outer one's.
    expect(inner.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]))).toBeGreaterThan(0);
    const cut = whole.subarray(0, whole.length - 30);
    const found = await walk(cut);
    expect(found.map((m) => [m.name, m.method, m.ends, m.size, m.crc])).toEqual(
      members.map((m) => [m.name, m.compress === false ? 0 : 8, 'whole', m.data.length, crc32(m.data)]),
    );
    for (const [i, m] of found.entries()) expect(content(cut, m).equals(members[i]!.data), m.name).toBe(true);
  });

  it('reads a stored member cut off inside its data to the end, and stops at one whose descriptor is damaged', async () => {
    const members = [
      { name: 'a.json', data: lines(20, 'a') },
      { name: 'b.json', data: lines(20, 'b'), compress: false },
      { name: 'c.json', data: lines(20, 'c') },
    ];
    const whole = await zipOf(members, 'data descriptor');
    const b = headerOf(whole, 'b.json') + 30 + 'b.json'.length;
    const cut = await walk(whole.subarray(0, b + 100));
    expect(cut.map((m) => [m.name, m.ends, m.end])).toEqual([
      ['a.json', 'whole', headerOf(whole, 'b.json') - 16],
      ['b.json', 'cut', null],
    ]);
    expect(content(whole.subarray(0, b + 100), cut[1]!).equals(members[1]!.data.subarray(0, 100))).toBe(true);
    // The descriptor's compressed size no longer agrees, and a member follows: where b ends is not known.
    const damaged = Buffer.from(whole);
    const descriptor = damaged.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]), b);
    damaged.writeUInt32LE(7, descriptor + 8);
    expect((await walk(damaged.subarray(0, damaged.length - 30))).map((m) => [m.name, m.ends])).toEqual([
      ['a.json', 'whole'],
      ['b.json', 'unknown'],
    ]);
  });

  it('stops at a member with sizes after its data whose deflate data is damaged, without waiting for ever', async () => {
    const members = [
      { name: 'a.json', data: lines(20, 'a') },
      { name: 'b.json', data: lines(8000, 'b') },
      { name: 'c.json', data: lines(20, 'c') },
    ];
    const whole = Buffer.from(await zipOf(members, 'data descriptor'));
    const b = headerOf(whole, 'b.json') + 30 + 'b.json'.length;
    // More than the inflater's 16 KiB buffer follows it: a write then waits for room that a failed inflater never gives.
    expect(headerOf(whole, 'c.json') - b).toBeGreaterThan(16 * 1024);
    whole[b] = 0x07; // an invalid deflate block type
    const found = await walk(whole.subarray(0, whole.length - 30));
    expect(found.map((m) => [m.name, m.ends])).toEqual([
      ['a.json', 'whole'],
      ['b.json', 'damaged'],
    ]);
  });

  it('finds an empty member (a folder) written with its sizes after it, and walks on', async () => {
    const zip = new yazl.ZipFile();
    zip.addReadStream(Readable.from([Buffer.alloc(0)]), 'export/empty.txt', { compress: false });
    zip.addReadStream(Readable.from([lines(5, 'x')]), 'export/x.json');
    zip.end();
    const parts: Buffer[] = [];
    for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
    const whole = Buffer.concat(parts);
    const found = await walk(whole.subarray(0, whole.length - 30));
    expect(found.map((m) => [m.name, m.ends, m.size])).toEqual([
      ['export/empty.txt', 'whole', 0],
      ['export/x.json', 'whole', lines(5, 'x').length],
    ]);
  });

  it('does not take a member of a few bytes for an empty one, nor a cut a few bytes in for a whole one', async () => {
    const members = [
      { name: 'export/empty-result.json', data: Buffer.from('[]') }, // deflates to 4 bytes
      { name: 'export/audit.jsonl', data: lines(50, 'a') },
    ];
    const whole = await zipOf(members, 'data descriptor');
    const found = await walk(whole.subarray(0, whole.length - 30));
    expect(found.map((m) => [m.name, m.ends, m.size, m.crc])).toEqual(members.map((m) => [m.name, 'whole', m.data.length, crc32(m.data)]));
    // Cut 12 and 20 bytes into the second member's data: as long as a descriptor would be.
    const start = headerOf(whole, 'export/audit.jsonl') + 30 + 'export/audit.jsonl'.length;
    for (const into of [12, 20]) {
      const cut = await walk(whole.subarray(0, start + into));
      expect(
        cut.map((m) => [m.name, m.ends]),
        `${into} bytes in`,
      ).toEqual([
        ['export/empty-result.json', 'whole'],
        ['export/audit.jsonl', 'cut'],
      ]);
    }
  });

  it('finds nothing in bytes that do not start with a local header, or end inside the first', async () => {
    const whole = await zipOf(MEMBERS, 'sizes first');
    expect(await walk(Buffer.from('not a zip at all, just some text'))).toEqual([]);
    expect(await walk(whole.subarray(0, 40))).toEqual([]);
  });
});
