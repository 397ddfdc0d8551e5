import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import type { NormalizedEvent } from '../../shared/model/event';
import { EventWriter, eventById, indexPendingEvents } from './events-repo';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function ev(key: string | null, over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    tsUs: 1_700_000_000_000_000,
    source: 'ual',
    recordType: 'ExchangeAdmin',
    operation: 'New-InboxRule',
    category: 'rule-change',
    actor: 'ceo@contoso.com',
    mailbox: 'ceo@contoso.com',
    clientIp: '185.73.124.135',
    userAgent: null,
    clientApp: null,
    appId: null,
    sessionId: null,
    tokenId: null,
    deviceId: null,
    result: 'success',
    object: '.',
    summary: 'New-InboxRule "." on ceo@contoso.com',
    recordKey: key,
    attrs: { fields: { a: 1 } },
    raw: '{"Id":"x"}',
    ...over,
  };
}

async function setup() {
  const t = tempCase();
  cleanups.push(t.cleanup);
  const a = (await t.session.evidence.add('a', { kind: 'file', origin: { type: 'manual', description: 'a' } })).item.id;
  const b = (await t.session.evidence.add('b', { kind: 'file', origin: { type: 'manual', description: 'b' } })).item.id;
  return { db: t.session.db, a, b };
}

describe('EventWriter', () => {
  it('imports once per record key and records where duplicates were seen', async () => {
    const { db, a, b } = await setup();
    const w = new EventWriter(db);
    expect(w.write(ev('ual:1'), a, 0, { country: 'RU', asn: 1, asOrg: 'x' })).toBe('imported');
    expect(w.write(ev('ual:1'), b, 7)).toBe('duplicate');
    // The same record at the same place again (a re-import) adds no sighting.
    expect(w.write(ev('ual:1'), a, 0)).toBe('duplicate');
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT event_id, evidence_id, record_index FROM event_sightings').all()).toEqual([
      { event_id: 1, evidence_id: b, record_index: 7 },
    ]);
    const stored = eventById(db, 1)!;
    expect(stored).toMatchObject({ recordKey: 'ual:1', country: 'RU', asn: 1, evidenceId: a, recordIndex: 0, attrs: { fields: { a: 1 } } });
  });

  it('never dedupes keyless records', async () => {
    const { db, a } = await setup();
    const w = new EventWriter(db);
    expect(w.write(ev(null), a, 0)).toBe('imported');
    expect(w.write(ev(null), a, 1)).toBe('imported');
  });

  it('quarantines with location and reason', async () => {
    const { db, a } = await setup();
    new EventWriter(db).quarantine(a, 3, 'line 5', 'AuditData is not valid JSON', '{"broken');
    expect(db.prepare('SELECT evidence_id, record_index, location, reason, raw FROM quarantine').get()).toEqual({
      evidence_id: a,
      record_index: 3,
      location: 'line 5',
      reason: 'AuditData is not valid JSON',
      raw: '{"broken',
    });
  });

  it('builds the full-text index in bulk and only for new events', async () => {
    const { db, a } = await setup();
    const w = new EventWriter(db);
    w.write(ev('ual:1', { summary: 'invoice rule created' }), a, 0);
    expect(indexPendingEvents(db)).toBe(1);
    expect(indexPendingEvents(db)).toBe(0);
    w.write(ev('ual:2', { summary: 'payment forwarded' }), a, 1);
    expect(indexPendingEvents(db)).toBe(1);
    expect(db.prepare(`SELECT rowid FROM events_fts WHERE events_fts MATCH 'invoice OR payment' ORDER BY rowid`).all()).toEqual([
      { rowid: 1 },
      { rowid: 2 },
    ]);
  });

  it('loads a bulk without automatic merges, then gives the case its merge setting back', async () => {
    const { db, a } = await setup();
    const w = new EventWriter(db);
    const automerge = () => db.prepare(`SELECT v FROM events_fts_config WHERE k = 'automerge'`).pluck(true).get();
    const load = (from: number, n: number) => {
      for (let i = from; i < from + n; i++) w.write(ev(`ual:${i}`, { summary: `invoice ${i}` }), a, i);
      return indexPendingEvents(db, 3);
    };
    expect(automerge()).toBeUndefined(); // FTS5's default (4)
    expect(load(0, 2)).toBe(2); // below the bulk threshold: nothing touched
    expect(automerge()).toBeUndefined();
    expect(load(2, 3)).toBe(3);
    expect(automerge()).toBe(4);
    db.prepare(`INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', 8)`).run();
    expect(load(5, 4)).toBe(4);
    expect(automerge()).toBe(8);
    expect(db.prepare(`SELECT count(*) FROM events_fts WHERE events_fts MATCH 'invoice'`).pluck(true).get()).toBe(9);
  });
});
