import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import type { NormalizedEvent } from '../../shared/model/event';
import { EventWriter, eventById, indexPendingEvents, type CopyUpgrade } from './events-repo';
import { FLAT_LAYOUT_LOSS } from './copy-loss';
import type { Db } from './database';

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

  describe('a fuller copy of a stored record', () => {
    // The same MailItemsAccessed record: as PowerShell cut it (Defender), and whole (Sentinel).
    const cut = ev('ual:1', {
      summary: 'MailItemsAccessed of Inbox (items cut)',
      clientIp: '10.0.0.1',
      raw: '{"Id":"1","Folders":["@{Path=\\\\Inbox; FolderItems=System.Object[]}"]}',
      attrs: { fields: { cut: true } },
    });
    const whole = ev('ual:1', {
      summary: 'MailItemsAccessed Bind of Inbox (7 items)',
      clientIp: '185.73.124.135',
      raw: '{"Id":"1","Folders":[{"Path":"\\\\Inbox","FolderItems":[{"InternetMessageId":"<m@x>"}]}]}',
      attrs: { fields: { cut: false } },
    });
    const fts = (db: Db, q: string) => db.prepare(`SELECT rowid FROM events_fts WHERE events_fts MATCH ?`).pluck(true).all(q);
    // rank 1: also compare the index with the rows of `events` it was built from.
    const ftsIntact = (db: Db) => db.prepare(`INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)`).run();

    it('takes the stored copy’s place: same event id, new columns, payload and position, the old copy a sighting', async () => {
      const { db, a, b } = await setup();
      const seen: CopyUpgrade[] = [];
      const w = new EventWriter(db, { onUpgrade: (u) => seen.push(u) });
      expect(w.write(cut, a, 3)).toBe('imported');
      expect(indexPendingEvents(db)).toBe(1); // the cut copy is in the full-text index
      expect(w.write(whole, b, 5, { country: 'RU', asn: 9, asOrg: 'x' })).toBe('upgraded');
      expect(eventById(db, 1)).toMatchObject({
        summary: 'MailItemsAccessed Bind of Inbox (7 items)',
        clientIp: '185.73.124.135',
        country: 'RU',
        evidenceId: b,
        recordIndex: 5,
        raw: whole.raw,
        attrs: { fields: { cut: false } },
      });
      expect(db.prepare('SELECT event_id, evidence_id, record_index FROM event_sightings').all()).toEqual([
        { event_id: 1, evidence_id: a, record_index: 3 },
      ]);
      expect(seen).toEqual([{ eventId: 1, from: { evidenceId: a, recordIndex: 3 }, lossBefore: 1, lossAfter: 0 }]);
      // The index forgot the old text and holds the new.
      ftsIntact(db);
      expect(fts(db, 'bind')).toEqual([1]);
      expect(fts(db, 'cut')).toEqual([]);
      expect(indexPendingEvents(db)).toBe(0);
      expect(db.prepare('SELECT count(*) FROM events').pluck(true).get()).toBe(1);
    });

    it('keeps the stored copy when the new one is no fuller', async () => {
      const { db, a, b } = await setup();
      const w = new EventWriter(db);
      expect(w.write(whole, a, 0)).toBe('imported');
      expect(w.write(cut, b, 1)).toBe('duplicate');
      expect(w.write({ ...whole, summary: 'other' }, b, 2)).toBe('duplicate'); // a tie keeps the first
      expect(eventById(db, 1)).toMatchObject({ raw: whole.raw, evidenceId: a, recordIndex: 0 });
      expect(db.prepare('SELECT record_index FROM event_sightings ORDER BY 1').pluck(true).all()).toEqual([1, 2]);
    });

    it('replaces a flattened copy by a structured one, however cut', async () => {
      const { db, a, b } = await setup();
      new EventWriter(db, { flatLayout: true }).write(ev('signin:1', { raw: '{"Request ID":"1"}' }), a, 0);
      expect(db.prepare('SELECT copy_loss FROM events').pluck(true).get()).toBe(FLAT_LAYOUT_LOSS);
      expect(new EventWriter(db).write(ev('signin:1', { raw: '{"id":"1","status":"System.Collections.Hashtable"}' }), b, 0)).toBe(
        'upgraded',
      );
      expect(new EventWriter(db, { flatLayout: true }).write(ev('signin:1', { raw: '{"Request ID":"1"}' }), a, 0)).toBe('duplicate');
      expect(eventById(db, 1)!.evidenceId).toBe(b);
    });

    it('measures a copy stored before copies were compared from its payload', async () => {
      const { db, a, b } = await setup();
      const w = new EventWriter(db);
      w.write(cut, a, 0);
      w.write(whole, b, 0); // upgraded; now put the case back as an older version left it
      db.prepare('UPDATE events SET copy_loss = NULL, evidence_id = ?, record_index = 0').run(a);
      db.prepare('UPDATE event_payloads SET raw = ?').run(cut.raw);
      db.exec('DELETE FROM event_sightings');
      db.prepare('INSERT INTO event_sightings (event_id, evidence_id, record_index) VALUES (1, ?, 0)').run(b);
      // Re-importing the whole copy, which the case already lists as a sighting, upgrades once.
      expect(w.write(whole, b, 0)).toBe('upgraded');
      expect(db.prepare('SELECT evidence_id, record_index FROM event_sightings').all()).toEqual([{ evidence_id: a, record_index: 0 }]);
      expect(w.write(whole, b, 0)).toBe('duplicate');
    });

    it('keeps the full-text index exact when the replaced copy was indexed inline, or not yet', async () => {
      const { db, a, b } = await setup();
      const inline = new EventWriter(db, { inlineFts: true });
      db.transaction(() => {
        inline.write(cut, a, 0);
        expect(inline.write(whole, b, 0)).toBe('upgraded');
      })();
      db.prepare(`INSERT INTO settings (key, value) VALUES ('fts_indexed_upto', '1') ON CONFLICT(key) DO UPDATE SET value = '1'`).run();
      ftsIntact(db);
      expect(fts(db, 'bind')).toEqual([1]);
      expect(fts(db, 'cut')).toEqual([]);
      // Deferred: the cut copy of record 2 is not indexed yet when the whole one replaces it.
      const w = new EventWriter(db);
      w.write({ ...cut, recordKey: 'ual:2' }, a, 1);
      expect(w.write({ ...whole, recordKey: 'ual:2' }, b, 1)).toBe('upgraded');
      expect(indexPendingEvents(db)).toBe(1);
      ftsIntact(db);
      expect(fts(db, 'bind')).toEqual([1, 2]);
      expect(fts(db, 'cut')).toEqual([]);
    });
  });
});
