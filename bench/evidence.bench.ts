/**
 * Evidence store throughput: stream N MiB into an encrypted case (hashing as it goes) and back,
 * against a baseline of hashing the same bytes from the same file in the same run.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createCase } from '../src/core/case/case-file';
import { fmt, rssSampler, timeMs, type Benchmark } from './harness';

/** Audit-log-like JSON lines with random ids, IPs and times, so compression ratios are realistic. */
function auditLikeText(bytes: number): Buffer {
  const ops = ['MailItemsAccessed', 'UserLoggedIn', 'New-InboxRule', 'Send', 'Set-Mailbox', 'FileAccessed'];
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const r = randomBytes(24);
    const line = JSON.stringify({
      CreationTime: new Date(1.7e12 + r.readUInt32LE(0) * 1000).toISOString().slice(0, 19),
      Id: r.toString('hex', 0, 16),
      Operation: ops[r[16]! % ops.length],
      UserId: `user${r[17]}@contoso.com`,
      ClientIP: `${r[18]}.${r[19]}.${r[20]}.${r[21]}`,
      SessionId: r.toString('base64'),
      ResultStatus: 'Succeeded',
      Workload: 'Exchange',
    });
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n')).subarray(0, bytes);
}

const bench: Benchmark = {
  name: 'evidence',
  description:
    'store and re-read evidence bytes in an encrypted case vs plain SHA-256 of the file (--size MiB, default 256; --data random|text; --codec identity|deflate-raw)',
  async run({ size, args, workDir, log }) {
    const mib = size ?? 256;
    const input = join(workDir, 'input.bin');
    const fd = openSync(input, 'w');
    const text = args['data'] === 'text';
    const block = text ? auditLikeText(8 * 1024 * 1024) : Buffer.alloc(8 * 1024 * 1024);
    for (let w = 0; w < mib * 1024 * 1024; w += block.length) {
      if (!text) randomFillSync(block);
      writeSync(fd, block, 0, Math.min(block.length, mib * 1024 * 1024 - w));
    }
    closeSync(fd);
    log(`wrote ${mib} MiB of ${text ? 'audit-like text' : 'random bytes'}`);
    const baseline = await timeMs(() => pipeline(createReadStream(input, { highWaterMark: 1 << 20 }), createHash('sha256')));
    const session = createCase({ file: join(workDir, 'bench.mtcase'), name: 'bench', examiner: 'bench', passphrase: 'bench' });
    const rss = rssSampler();
    const codec = args['codec'] === 'deflate-raw' ? 'deflate-raw' : 'identity';
    const store = await timeMs(() =>
      session.evidence.add(createReadStream(input, { highWaterMark: 1 << 20 }), {
        kind: 'file',
        origin: { type: 'file', path: input },
        codec,
      }),
    );
    const read = await timeMs(() => pipeline(session.evidence.open(store.value.item.id), createHash('sha256')));
    const peak = rss.stop();
    session.close();
    const mb = (mib * 1024 * 1024) / 1e6;
    const storeMbPerSec = mb / (store.ms / 1000);
    const readMbPerSec = mb / (read.ms / 1000);
    const baselineMbPerSec = mb / (baseline.ms / 1000);
    return {
      figures: {
        bytes: mib * 1024 * 1024,
        codec,
        storeMbPerSec: Math.round(storeMbPerSec),
        readMbPerSec: Math.round(readMbPerSec),
        baselineMbPerSec: Math.round(baselineMbPerSec),
        storeRatio: Number((storeMbPerSec / baselineMbPerSec).toFixed(3)),
        peakRssMb: Math.round(peak),
      },
      table: [
        ['bytes', fmt(mib * 1024 * 1024), `${text ? 'audit-like text' : 'random'}, codec ${codec}`],
        ['store (hash + encrypt + write)', `${fmt(storeMbPerSec)} MB/s`],
        ['read back', `${fmt(readMbPerSec)} MB/s`],
        ['baseline: SHA-256 of the file', `${fmt(baselineMbPerSec)} MB/s`],
        ['store / baseline', fmt(storeMbPerSec / baselineMbPerSec, 3)],
        ['peak RSS', `${fmt(peak)} MB`],
      ],
    };
  },
};
export default bench;
