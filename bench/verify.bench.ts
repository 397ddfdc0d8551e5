/**
 * Package verification throughput: a case holding N MiB of evidence is packaged, then
 * `verifyPackage` (members against the manifest, signature, journal chain; no passphrase) is timed
 * against `sha256sum` over the same package file in the same run. Both read the file warm from the
 * page cache; each is run three times and the best run counts, which damps noise from other users
 * of the machine.
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createCase } from '../src/core/case/case-file';
import { generateSigningKey } from '../src/core/package/signing';
import { verifyPackage } from '../src/core/package/verify-package';
import { writePackage } from '../src/core/package/write-package';
import { fmt, rssSampler, timeMs, type Benchmark } from './harness';

function* randomChunks(bytes: number): Generator<Buffer> {
  const block = Buffer.alloc(8 * 1024 * 1024);
  for (let done = 0; done < bytes; done += block.length) {
    randomFillSync(block);
    yield Buffer.from(block.subarray(0, Math.min(block.length, bytes - done)));
  }
}

function sha256sum(file: string): void {
  const r = spawnSync('sha256sum', [file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr}`);
}

const bench: Benchmark = {
  name: 'verify',
  description: 'package verification (no passphrase) vs sha256sum of the same package file (--size MiB of evidence, default 256)',
  async run({ size, workDir, log }) {
    const mib = size ?? 256;
    const caseFile = join(workDir, 'bench.mtcase');
    const session = createCase({ file: caseFile, name: 'bench', examiner: 'bench', number: 'B-1', passphrase: 'bench' });
    await session.evidence.add(randomChunks(mib * 1024 * 1024), { kind: 'file', origin: { type: 'manual', description: 'random bytes' } });
    log(`case with ${mib} MiB of evidence written`);
    const pkg = join(workDir, 'bench.mtpkg');
    const key = generateSigningKey();
    const rssBefore = process.memoryUsage.rss() / 1e6;
    const packRss = rssSampler();
    const packaged = await timeMs(() => writePackage(session, { out: pkg, signKeyPem: key.privateKeyPem }));
    const packPeak = packRss.stop();
    session.close();
    const bytes = statSync(pkg).size;
    log(`package ${fmt(bytes)} bytes written in ${fmt(packaged.ms)} ms`);

    sha256sum(pkg); // warm the page cache
    const verifyRss = rssSampler();
    let best = Infinity;
    let bestBaseline = Infinity;
    for (let round = 0; round < 3; round++) {
      const base = await timeMs(() => sha256sum(pkg));
      bestBaseline = Math.min(bestBaseline, base.ms);
      const v = await timeMs(() => verifyPackage(pkg, { publicKeyPem: key.publicKeyPem }));
      if (!v.value.ok) throw new Error(`verification failed: ${v.value.problems.join('; ')}`);
      best = Math.min(best, v.ms);
      log(`round ${round + 1}: verify ${fmt(v.ms)} ms, sha256sum ${fmt(base.ms)} ms`);
    }
    const verifyPeak = verifyRss.stop();
    const mbPerSec = bytes / 1e6 / (best / 1000);
    const sha256sumMbPerSec = bytes / 1e6 / (bestBaseline / 1000);
    const ratio = mbPerSec / sha256sumMbPerSec;
    return {
      figures: {
        bytes,
        mbPerSec: Math.round(mbPerSec),
        sha256sumMbPerSec: Math.round(sha256sumMbPerSec),
        ratio: Number(ratio.toFixed(3)),
      },
      table: [
        ['package bytes', fmt(bytes), `${mib} MiB of random evidence, signed`],
        ['packaging', `${fmt(packaged.ms)} ms`],
        ['verify (members, signature, journal)', `${fmt(mbPerSec)} MB/s`, 'best of 3'],
        ['baseline: sha256sum of the package', `${fmt(sha256sumMbPerSec)} MB/s`, 'best of 3'],
        ['verify / sha256sum', fmt(ratio, 3), 'target >= 0.8'],
        [
          'RSS growth while packaging / verifying',
          `${fmt(packPeak - rssBefore)} / ${fmt(verifyPeak - rssBefore)} MB`,
          'over the RSS before packaging',
        ],
      ],
    };
  },
};
export default bench;
