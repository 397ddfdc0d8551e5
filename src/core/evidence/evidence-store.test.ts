import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import { isErrorCode } from '../../shared/errors';
import { CHUNK_SIZE } from './evidence-store';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const origin = (path: string) => ({ type: 'file' as const, path });

describe('evidence store', () => {
  it('stores bytes verbatim across chunk boundaries and hashes the original bytes', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const data = Buffer.alloc(CHUNK_SIZE * 2 + 5);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
    // Feed it in odd-sized pieces to exercise re-chunking.
    const pieces = [data.subarray(0, 7), data.subarray(7, CHUNK_SIZE + 3), data.subarray(CHUNK_SIZE + 3)];
    const { item, repeated } = await t.session.evidence.add(Readable.from(pieces), { kind: 'file', origin: origin('/x/a.csv') });
    expect(repeated).toBe(false);
    expect(item.sha256).toBe(sha(data));
    expect(item.bytes).toBe(data.length);
    expect((await readAll(t.session.evidence.open(item.id))).equals(data)).toBe(true);
    const entry = t.session.journal.list().at(-1)!;
    expect(entry.action).toBe('evidence.add');
    expect(entry.details).toMatchObject({
      evidence_id: item.id,
      sha256: item.sha256,
      bytes: data.length,
      origin: { type: 'file', path: '/x/a.csv' },
    });
    expect(item.custodySeq).toBe(entry.seq);
  });

  it('stores deflated chunks but hashes, sizes and returns the original bytes', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const text = Array.from(
      { length: 40_000 },
      (_, i) => `{"Id":"${i}","Operation":"MailItemsAccessed","ClientIP":"10.0.${i % 256}.1"}`,
    ).join('\n');
    const data = Buffer.from(text);
    const { item } = await t.session.evidence.add(data, { kind: 'file', origin: origin('/x/big.jsonl'), codec: 'deflate-raw' });
    expect(item.sha256).toBe(sha(data));
    expect(item.bytes).toBe(data.length);
    expect((await readAll(t.session.evidence.open(item.id))).equals(data)).toBe(true);
    const stored = t.session.db.prepare('SELECT sum(length(data)) AS n FROM evidence_chunks WHERE evidence_id = ?').get(item.id) as {
      n: number;
    };
    expect(stored.n).toBeLessThan(data.length / 4);
  });

  it('stores an empty stream as a zero-byte item', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const { item } = await t.session.evidence.add(Buffer.alloc(0), { kind: 'file', origin: origin('/x/empty') });
    expect(item.bytes).toBe(0);
    expect(item.sha256).toBe(sha(''));
    expect(await readAll(t.session.evidence.open(item.id))).toEqual(Buffer.alloc(0));
  });

  it('keeps one copy of identical bytes and journals the repeat with its own origin', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const first = await t.session.evidence.add('same bytes', { kind: 'file', origin: origin('/a') });
    const second = await t.session.evidence.add('same bytes', { kind: 'file', origin: origin('/b') });
    expect(second.repeated).toBe(true);
    expect(second.item.id).toBe(first.item.id);
    expect(t.session.evidence.list()).toHaveLength(1);
    expect(t.session.evidence.sightings(first.item.id)).toEqual([expect.objectContaining({ origin: origin('/b') })]);
    const last = t.session.journal.list().at(-1)!;
    expect(last.action).toBe('evidence.repeat');
    expect(last.details).toMatchObject({ evidence_id: first.item.id, origin: origin('/b') });
    expect(t.session.db.prepare('SELECT count(*) AS n FROM evidence_chunks').get()).toEqual({ n: 1 });
  });

  it('discards a cancelled acquisition completely', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const controller = new AbortController();
    async function* source() {
      yield Buffer.alloc(CHUNK_SIZE * 20, 1);
      controller.abort();
      yield Buffer.alloc(10, 1);
    }
    let error: unknown;
    try {
      await t.session.evidence.add(source(), { kind: 'file', origin: origin('/c') }, { signal: controller.signal });
    } catch (err) {
      error = err;
    }
    expect(isErrorCode(error, 'CANCELLED')).toBe(true);
    expect(t.session.db.prepare('SELECT count(*) AS n FROM evidence_items').get()).toEqual({ n: 0 });
    expect(t.session.db.prepare('SELECT count(*) AS n FROM evidence_chunks').get()).toEqual({ n: 0 });
  });

  it('discards a failing stream and rethrows its error', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    async function* source() {
      yield Buffer.alloc(100, 1);
      throw new Error('disk went away');
    }
    await expect(t.session.evidence.add(source(), { kind: 'file', origin: origin('/d') })).rejects.toThrow('disk went away');
    expect(t.session.evidence.list()).toHaveLength(0);
  });

  it('cleans up a half-written item left by a crash when the case is next opened, and journals it', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    t.session.db.exec(
      `INSERT INTO evidence_items (kind, origin, state, chunk_size, acquired_at_us) VALUES ('file', '{}', 'staging', 1048576, 1)`,
    );
    t.session.db.exec(`INSERT INTO evidence_chunks (evidence_id, seq, data) VALUES (1, 0, x'00')`);
    t.session.close();
    const s = t.reopen();
    expect(s.db.prepare('SELECT count(*) AS n FROM evidence_chunks').get()).toEqual({ n: 0 });
    expect(s.journal.list().at(-1)).toMatchObject({ action: 'evidence.discard-incomplete', details: { staging_ids: [1] } });
  });

  it('records parsed counts without touching the sealed hash', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const { item } = await t.session.evidence.add('x', { kind: 'file', origin: origin('/e'), declaredCount: 3 });
    t.session.evidence.setCounts(item.id, { parsed: 3 });
    expect(t.session.evidence.get(item.id)).toMatchObject({ declaredCount: 3, parsedCount: 3, sha256: item.sha256 });
  });
});
