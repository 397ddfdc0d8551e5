import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

  it('stops at a damaged header and tells a tar from other bytes', () => {
    const bytes = Buffer.from(tarOf('gnu'));
    const first = walk(bytes)[0]!;
    const next = first.start + Math.ceil(first.size / 512) * 512;
    bytes[next + 10] = bytes[next + 10]! ^ 0xff; // the next header no longer adds up
    expect(walk(bytes).map((m) => m.name)).toEqual([first.name]);
    expect(isTar(Buffer.from('ustar'.padStart(262, ' ').padEnd(512, ' ')))).toBe(false);
    expect(isTar(Buffer.alloc(100))).toBe(false);
  });
});
