// Every fixture, of every format, damaged the ways exports arrive damaged: cut off (early and
// mid-record), one record broken, bytes that are not the file's encoding, binary junk in front,
// empty. An import never throws, stores the damaged bytes as evidence, and either reports the file
// as unreadable with its reason or reads it with counts that add up and a reason for every
// quarantined record; parsing in the parse thread gives the same report.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/core/ingest';
import { listQuarantine } from '../../src/core/store/ingest-repo';
import { casesPerTest, tempDir } from '../helpers/case';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fresh = casesPerTest();
const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** Every fixture file, archives included. */
function fixtureFiles(d = FIXTURES): string[] {
  return readdirSync(d).flatMap((name) => {
    const full = join(d, name);
    return statSync(full).isDirectory() ? fixtureFiles(full) : [full];
  });
}

/** A deterministic byte stream (xorshift), so a failure reproduces. */
function junk(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Index of the first `byte` at or after the middle of `b` (or -1). */
function fromMiddle(b: Buffer, byte: number): number {
  return b.indexOf(byte, b.length >> 1);
}

/** The damaged variants of one file's bytes. */
function variants(b: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = [
    ['cut-early', b.subarray(0, Math.max(1, Math.floor(b.length * 0.2)))],
    ['cut-mid', b.subarray(0, Math.floor(b.length * 0.6))],
    ['junk-first', Buffer.concat([junk(4096, b.length), b])],
    ['empty', Buffer.alloc(0)],
    // A lone continuation byte and an overlong lead: not UTF-8, inside the second half of the file.
    ['bad-bytes', Buffer.concat([b.subarray(0, b.length >> 1), Buffer.from([0x80, 0xc0, 0xaf]), b.subarray(b.length >> 1)])],
  ];
  // One record broken: a quote in the second half becomes a brace (breaks JSON and CSV quoting alike).
  const q = fromMiddle(b, 0x22);
  if (q >= 0) {
    const broken = Buffer.from(b);
    broken[q] = 0x7b;
    out.push(['broken-record', broken]);
  }
  return out;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('damaged exports of every format', () => {
  const files = fixtureFiles().filter((f) => !f.endsWith('.md'));

  it('finds the fixtures of every format', () => {
    expect(new Set(files.map((f) => relative(FIXTURES, f).split(/[\\/]/)[0])).size).toBeGreaterThanOrEqual(19);
  });

  for (const file of files) {
    const name = relative(FIXTURES, file);
    it(`${name}: never throws, stores the bytes, adds up, says why`, async () => {
      const original = readFileSync(file);
      const folder = join(dir, name.replace(/[\\/]/g, '__'));
      mkdirSync(folder);
      const inputs = variants(original).map(([label, bytes]) => {
        const path = join(folder, `${label}-${basename(file)}`);
        writeFileSync(path, bytes);
        return { label, path, bytes };
      });
      for (const parseThread of [false, true]) {
        const t = fresh();
        const report = await importPaths(t.session, [folder], { parseThread });
        const label = `${name} (${parseThread ? 'parse thread' : 'writing thread'})`;
        expect(report.read, label).toBe(report.imported + report.duplicates + report.quarantined);
        for (const input of inputs) {
          const results = report.files.filter((f) => f.path === input.path || f.path.startsWith(`${input.path}!`));
          expect(results.length, `${label} ${input.label}`).toBeGreaterThan(0);
          // Raw first: the damaged bytes themselves are the evidence, whatever became of them (an
          // archive's own row comes first, then its members').
          const top = results[0]!;
          expect(top.path, `${label} ${input.label}`).toBe(input.path);
          if (input.bytes.length > 0) expect(top.sha256, `${label} ${input.label}`).toBe(sha256(input.bytes));
          for (const f of results) {
            const where = `${label} ${input.label} ${f.path}`;
            if (f.error !== undefined) {
              expect(f.error.length, where).toBeGreaterThan(5);
              expect(f.read, where).toBe(0);
              continue;
            }
            expect(f.read, where).toBe(f.imported + f.duplicates + f.quarantined);
            if (f.quarantined > 0 && f.evidenceId !== null) {
              const q = listQuarantine(t.session.db, { evidenceId: f.evidenceId, limit: 1000 });
              expect(q.total, where).toBe(f.quarantined);
              for (const item of q.items) {
                expect(item.reason.length, where).toBeGreaterThan(5);
                expect(item.location, where).toMatch(/^(line|record|row|member) /);
              }
            }
          }
        }
        // Importing the same damaged files again adds nothing.
        const again = await importPaths(t.session, [folder], { parseThread });
        expect(again.imported, `${label} re-import`).toBe(0);
        expect(again.read, `${label} re-import`).toBe(report.read);
      }
    }, 60_000);
  }
});

describe('an export parsed as the wrong format, then as its own', () => {
  it("keeps each record in exactly one state: the second parse's quarantine replaces the first's, and says so", async () => {
    const t = fresh();
    const file = join(FIXTURES, 'purview-csv', 'broken-row.csv');
    const wrong = await importPaths(t.session, [file], { format: 'ual-json' });
    expect(wrong.files[0]).toMatchObject({ format: 'ual-json', imported: 0 });
    expect(wrong.quarantined).toBeGreaterThan(2);
    const right = await importPaths(t.session, [file]);
    const f = right.files[0]!;
    expect(f).toMatchObject({ format: 'purview-csv', imported: 2, quarantined: 2 });
    const q = listQuarantine(t.session.db, { evidenceId: f.evidenceId!, limit: 100 });
    expect(q.total).toBe(f.quarantined);
    expect(q.items.map((i) => i.reason).join('\n')).not.toMatch(/not JSON/i);
    // No position is both an event and quarantined.
    const sightings = t.session.db
      .prepare('SELECT record_index FROM events WHERE evidence_id = ? UNION SELECT record_index FROM event_sightings WHERE evidence_id = ?')
      .pluck()
      .all(f.evidenceId, f.evidenceId);
    expect(sightings).toHaveLength(2);
    for (const i of q.items) expect(sightings).not.toContain(i.recordIndex);
    const entry = t.session.journal
      .list(0, 10_000)
      .filter((e) => e.action === 'import.evidence')
      .at(-1)!;
    expect((entry.details as { quarantine_replaced?: number }).quarantine_replaced).toBe(wrong.quarantined);
    // Parsing it again as its own format changes nothing.
    const again = await importPaths(t.session, [file]);
    expect(again.files[0]).toMatchObject({ imported: 0, quarantined: 2 });
    expect(listQuarantine(t.session.db, { evidenceId: f.evidenceId!, limit: 100 }).items).toEqual(q.items);
  });
});
