// Damaged inputs at random (a fixed seed, so a failure reproduces): every fixture with bytes
// flipped, cut short, spliced or repeated, bare or inside a .gz, .zip or .tar that is damaged in
// turn. The import never throws, every row adds up, and the case holds what the report says.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { importPaths } from '../../src/core/ingest';
import { casesPerTest, tempDir } from '../helpers/case';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fresh = casesPerTest();
const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** A small deterministic generator (a linear congruential one): the same inputs every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const SPLICES = ['"', '\0', '}', ']', '{', '\n', ',', '\r\n', '\\'];

/** One kind of damage, chosen at random. */
function damage(b: Buffer, rnd: () => number): Buffer {
  if (b.length === 0) return b;
  const at = Math.floor(rnd() * b.length);
  switch (Math.floor(rnd() * 5)) {
    case 0: {
      const out = Buffer.from(b);
      for (let k = 0; k < 1 + rnd() * 8; k++) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
      return out;
    }
    case 1:
      return b.subarray(0, at);
    case 2:
      return Buffer.concat([b.subarray(0, at), Buffer.from(SPLICES[Math.floor(rnd() * SPLICES.length)]!), b.subarray(at)]);
    case 3:
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + Math.floor(rnd() * 600)))]);
    default:
      return Buffer.concat([b.subarray(0, at), b.subarray(at, at + 2000), b.subarray(at)]);
  }
}

async function zipOf(name: string, data: Buffer): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(data, name);
  zip.end();
  const parts: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

describe('damaged inputs at random', () => {
  it('never throw, always add up, and leave the case as the report says', async () => {
    const fixtures = readdirSync(FIXTURES).flatMap((d) =>
      readdirSync(join(FIXTURES, d))
        .map((f) => join(FIXTURES, d, f))
        .filter((p) => statSync(p).isFile()),
    );
    const rnd = random(20261128);
    const { session } = fresh();
    let imported = 0;
    for (let n = 0; n < 240; n++) {
      const source = fixtures[Math.floor(rnd() * fixtures.length)]!;
      const name = `m${n}-${basename(source)}`;
      const bytes = damage(readFileSync(source), rnd);
      let path = join(dir, name);
      writeFileSync(path, bytes);
      switch (n % 4) {
        case 1:
          path = `${path}.gz`;
          writeFileSync(path, damage(gzipSync(bytes), rnd));
          break;
        case 2:
          path = `${path}.zip`;
          writeFileSync(path, damage(await zipOf(name, bytes), rnd));
          break;
        case 3:
          execFileSync('tar', ['-cf', `${path}.tar`, '-C', dir, name]);
          path = `${path}.tar`;
          writeFileSync(path, damage(readFileSync(path), rnd));
          break;
      }
      const r = await importPaths(session, [path]);
      for (const f of r.files) expect(f.read, `${source} as ${path}: ${f.path}`).toBe(f.imported + f.duplicates + f.quarantined);
      imported += r.imported;
    }
    expect(Number(session.db.prepare('SELECT count(*) FROM events').pluck().get())).toBe(imported);
    expect(imported).toBeGreaterThan(0);
  });
});
