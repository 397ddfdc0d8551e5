// Streams 256 MiB through the evidence store and back: same SHA-256 as sha256sum, bounded memory.
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { tempCase } from '../helpers/case';

const SIZE = 256 * 1024 * 1024;

describe('evidence store at scale', () => {
  const t = tempCase();
  afterAll(() => t.cleanup());

  it('round-trips 256 MiB with peak RSS growth under 100 MB and the sha256sum hash', async () => {
    const input = join(t.dir, 'input.bin');
    const fd = openSync(input, 'w');
    const block = Buffer.alloc(8 * 1024 * 1024);
    for (let written = 0; written < SIZE; written += block.length) writeSync(fd, randomFillSync(block));
    closeSync(fd);
    const expected = execFileSync('sha256sum', [input], { encoding: 'utf8' }).split(' ')[0];

    global.gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);

    const { item } = await t.session.evidence.add(createReadStream(input, { highWaterMark: 1024 * 1024 }), {
      kind: 'file',
      origin: { type: 'file', path: input },
    });
    const hash = createHash('sha256');
    await pipeline(t.session.evidence.open(item.id), hash);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());

    expect(item.bytes).toBe(SIZE);
    expect(item.sha256).toBe(expected);
    expect(hash.digest('hex')).toBe(expected);
    const growthMb = (peak - baseline) / 1e6;
    console.log(`evidence 256 MiB round trip: peak RSS growth ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(100);
  }, 180_000);
});
