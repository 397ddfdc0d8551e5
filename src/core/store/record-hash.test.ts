import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import { ev as event } from '../../../test/helpers/events';
import type { NormalizedEvent } from '../../shared/model/event';
import { EventWriter } from './events-repo';
import { nextProbe, RecordKeyLookup, recordHash } from './record-hash';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A record with the given identity. */
const ev = (key: string): NormalizedEvent => event({ recordKey: key, raw: `{"Id":"${key}"}` });

describe('recordHash', () => {
  it('is a stable 53-bit integer (cases store it: these values may never change)', () => {
    expect(recordHash('ual:f8fd161a-a3f0-4e29-aeb9-50b21618ecd8')).toBe(recordHash('ual:f8fd161a-a3f0-4e29-aeb9-50b21618ecd8'));
    expect(recordHash('')).toBe(3338908027751811);
    expect(recordHash('ual:1')).toBe(recordHash('ual:1'));
    expect(recordHash('ual:1')).not.toBe(recordHash('ual:2'));
    const sample = Array.from({ length: 10_000 }, (_, i) => recordHash(`signin:${i}`));
    expect(sample.every((h) => Number.isSafeInteger(h) && h >= 0 && h < 2 ** 53)).toBe(true);
    expect(new Set(sample).size).toBe(sample.length);
    expect(nextProbe(2 ** 53 - 1)).toBe(0);
  });
});

describe('dedupe through record_hash', () => {
  it('imports a record whose hash another key holds at the next free hash, and finds it there again', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const db = t.session.db;
    const a = (await t.session.evidence.add('a', { kind: 'file', origin: { type: 'manual', description: 'a' } })).item.id;
    const w = new EventWriter(db);
    expect(w.write(ev('ual:x'), a, 0)).toBe('imported');
    // A collision cannot be found by search: stand one in by moving ual:x onto the hash of ual:b.
    const h = recordHash('ual:b');
    db.prepare(`UPDATE events SET record_hash = ? WHERE record_key = 'ual:x'`).run(h);

    expect(w.write(ev('ual:b'), a, 1)).toBe('imported');
    expect(db.prepare(`SELECT record_hash FROM events WHERE record_key = 'ual:b'`).pluck(true).get()).toBe(nextProbe(h));
    expect(w.write(ev('ual:b'), a, 2)).toBe('duplicate');
    expect(db.prepare('SELECT count(*) FROM events').pluck(true).get()).toBe(2);
    expect(db.prepare('SELECT event_id, evidence_id, record_index FROM event_sightings').all()).toEqual([
      { event_id: 2, evidence_id: a, record_index: 2 },
    ]);
    const lookup = new RecordKeyLookup(db);
    expect(lookup.find('ual:b')).toEqual({ event: { id: 2, evidence_id: a, record_index: 1 } });
    expect(lookup.find('ual:c')).toEqual({ slot: recordHash('ual:c') });
  });

  it('looks a key up through the integer index, never by scanning the table', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const plan = t.session.db
      .prepare('EXPLAIN QUERY PLAN SELECT id, evidence_id, record_index, record_key FROM events WHERE record_hash = ?')
      .all(1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX events_record_hash/);
    const indexes = t.session.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'`).pluck(true).all();
    expect(indexes).not.toContain('events_record_key');
  });
});
