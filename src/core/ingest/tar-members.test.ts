import { execFileSync } from 'node:child_process';
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTar, tarMembers, type TarMember } from './tar-members';

const work = mkdtempSync(join(tmpdir(), 'mailtrail-tar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const LONG = `export/${'a-long-folder-name-'.repeat(4)}/${'another-long-folder-'.repeat(3)}/sign-ins ü.json`;
const FILES: [string, Buffer][] = [
  ['export/purview.csv', Buffer.from('RecordId,CreationDate\r\n1,2026-01-24\r\n')],
  [LONG, Buffer.from('{"id":"a"}\n'.repeat(300))],
  ['export/empty.json', Buffer.alloc(0)],
  ['export/README.txt', Buffer.from('collected 2026-01-25\n')],
];

/** A tar of {@link FILES} (plus a folder entry and a symbolic link) written by the system's tar. */
function tarOf(format: 'gnu' | 'pax' | 'ustar'): Buffer {
  const root = mkdtempSync(join(work, `${format}-`));
  for (const [name, data] of FILES) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), data);
  }
  symlinkSync('purview.csv', join(root, 'export', 'link.csv'));
  const out = join(root, '..', `${format}.tar`);
  execFileSync('tar', [`--format=${format}`, '--sort=name', '-cf', out, '-C', root, 'export']);
  return readFileSync(out);
}

function walk(bytes: Buffer): TarMember[] {
  return [...tarMembers({ bytesAt: (s, l) => bytes.subarray(s, s + l) }, bytes.length)];
}

const contentOf = (bytes: Buffer, m: TarMember): Buffer => bytes.subarray(m.start, Math.min(m.start + m.size, bytes.length));

describe('the members of a tar archive', () => {
  // The long name takes a GNU long-name entry, a pax `path` record, or the ustar prefix field.
  for (const format of ['gnu', 'pax', 'ustar'] as const) {
    it(`lists its regular files with their content, long and non-ASCII names included (${format})`, () => {
      const bytes = tarOf(format);
      expect(isTar(bytes.subarray(0, 512))).toBe(true);
      const expected = FILES.slice().sort(([a], [b]) => (a < b ? -1 : 1));
      const found = walk(bytes);
      expect(found.map((m) => [m.name, m.size, m.cut])).toEqual(expected.map(([n, d]) => [n, d.length, false]));
      found.forEach((m, k) => expect(contentOf(bytes, m).equals(expected[k]![1]), m.name).toBe(true));
    });
  }

  it('reads the member a cut falls in as far as it goes, and stops there', () => {
    const bytes = tarOf('pax');
    const found = walk(bytes);
    const long = found.find((m) => m.name === LONG)!;
    const cut = bytes.subarray(0, long.start + 1000);
    const part = walk(cut);
    expect(part.at(-1)).toMatchObject({ name: LONG, cut: true, size: long.size });
    expect(contentOf(cut, part.at(-1)!).toString()).toBe('{"id":"a"}\n'.repeat(300).slice(0, 1000));
    expect(part.slice(0, -1).every((m) => !m.cut)).toBe(true);
  });

  it('passes over a damaged header, a lone zero block or an impossible size, and reads the members after it', () => {
    const whole = tarOf('gnu');
    const names = walk(whole).map((m) => m.name);
    const second = walk(whole)[1]!.start - 512; // the header of the second member (a GNU long name: its L header)
    const damage: [string, (b: Buffer) => void][] = [
      ['a damaged block', (b) => (b[second + 10] = b[second + 10]! ^ 0xff)],
      ['a lone zero block', (b) => b.fill(0, second, second + 512)],
      ['a negative size', (b) => setField(b, second, 124, '-0000001000')],
      ['a size that is not octal', (b) => setField(b, second, 124, '99999999999')],
      // GNU writes the long name in an `L` entry (a header and one block) before the member's header.
      ['a long name of 8 GiB', (b) => setField(b, second - 1024, 124, '77777777777')],
    ];
    expect(String.fromCharCode(whole[second - 1024 + 156]!)).toBe('L');
    for (const [what, harm] of damage) {
      const bytes = Buffer.from(whole);
      harm(bytes);
      let gaps = { count: 0, bytes: 0 };
      const found = [...tarMembers({ bytesAt: (s, l) => bytes.subarray(s, s + l) }, bytes.length, (_how, g) => (gaps = g))];
      // The long name's L header is gone: its member reads under its short ustar name, or is lost.
      expect(
        found.map((m) => m.name).filter((n) => names.includes(n)),
        what,
      ).toEqual(names.filter((n) => n !== LONG));
      expect(gaps.count, what).toBe(1);
    }
    expect(isTar(Buffer.from('ustar'.padStart(262, ' ').padEnd(512, ' ')))).toBe(false);
    expect(isTar(Buffer.alloc(100))).toBe(false);
  });

  it('reads on past the end blocks of a tar stored in a member whose header was damaged', () => {
    const inner = tarOf('gnu');
    const root = mkdtempSync(join(work, 'nested-'));
    writeFileSync(join(root, 'a.json'), '{"id":"a"}\n');
    mkdirSync(join(root, 'backup'));
    writeFileSync(join(root, 'backup', 'inner.tar'), inner);
    writeFileSync(join(root, 'c.json'), '{"id":"c"}\n');
    writeFileSync(join(root, 'd.json'), '{"id":"d"}\n');
    const out = join(root, 'outer.tar');
    execFileSync('tar', ['--format=gnu', '-cf', out, '-C', root, 'a.json', 'backup/inner.tar', 'c.json', 'd.json']);
    const bytes = readFileSync(out);
    const innerHeader = walk(bytes).find((m) => m.name === 'backup/inner.tar')!.start - 512;
    bytes[innerHeader + 10] = bytes[innerHeader + 10]! ^ 0xff;
    const names = walk(bytes).map((m) => m.name);
    // The inner tar's members show up (its header is lost), and so do the outer ones after it.
    expect(names[0]).toBe('a.json');
    expect(names.slice(-2)).toEqual(['c.json', 'd.json']);
  });

  it('reads numeric fields written with leading spaces (as Python and old tars write them)', () => {
    const bytes = Buffer.from(tarOf('ustar'));
    const first = walk(bytes)[0]!;
    setField(bytes, first.start - 512, 124, `${' '.repeat(11 - first.size.toString(8).length)}${first.size.toString(8)}`);
    const chk = bytes.subarray(first.start - 512 + 148, first.start - 512 + 156);
    chk.write(`  ${chk.toString('latin1', 0, 6).replace(/^0+/, '').padStart(5, ' ')}`, 'latin1'); // %6o with spaces
    expect(isTar(bytes.subarray(0, 512))).toBe(true);
    expect(walk(bytes).map((m) => [m.name, m.size])).toEqual(walk(tarOf('ustar')).map((m) => [m.name, m.size]));
  });

  it('names a sparse member as one it cannot read, and keeps in step after it', () => {
    for (const format of ['gnu', 'pax'] as const) {
      const root = mkdtempSync(join(work, `sparse-${format}-`));
      // Real holes: a file set to its size, then written in a few places only.
      const fd = openSync(join(root, 'sparse.json'), 'w');
      ftruncateSync(fd, 1024 * 1024);
      for (let k = 0; k < 4; k++) writeSync(fd, '{"x":1}', k * 256 * 1024);
      closeSync(fd);
      writeFileSync(join(root, 'after.json'), '{"id":"a"}\n');
      const out = join(root, 'out.tar');
      execFileSync('tar', [
        `--format=${format === 'gnu' ? 'gnu' : 'pax'}`,
        '--sparse',
        '-cf',
        out,
        '-C',
        root,
        'sparse.json',
        'after.json',
      ]);
      const found = walk(readFileSync(out));
      expect(
        found.map((m) => [m.name, m.problem !== null]),
        format,
      ).toEqual([
        ['sparse.json', true],
        ['after.json', false],
      ]);
    }
  });

  it('reads a name that is not UTF-8 as Latin-1, so two names stay two', () => {
    const bytes = Buffer.from(tarOf('gnu'));
    const first = walk(bytes)[0]!;
    const header = first.start - 512;
    bytes.write('caf\xe9.json\0', header, 'latin1');
    setField(bytes, header, 124, first.size.toString(8).padStart(11, '0')); // rewrites the checksum
    expect(walk(bytes)[0]!.name).toBe('café.json');
  });
});

/** Writes a numeric field of the header at `header` and makes its checksum add up again. */
function setField(b: Buffer, header: number, offset: number, value: string): void {
  b.write(`${value}\0`, header + offset, 'latin1');
  b.fill(0x20, header + 148, header + 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[header + i]!;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, header + 148, 'latin1');
}
