import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import { GENESIS_HASH } from '../../shared/model/custody';
import { canonicalJson } from './canonical';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys and serialises numbers the ECMAScript way', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: true, c: null }], e: 1e21, f: 0.1 })).toBe(
      '{"a":[3,{"c":null,"d":true}],"b":1,"e":1e+21,"f":0.1}',
    );
  });

  it('drops undefined members exactly as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });

  it('escapes strings per JCS', () => {
    expect(canonicalJson({ s: '\u20ac\n"\u0001' })).toBe('{"s":"€\\n\\"\\u0001"}');
  });
});

describe('custody journal', () => {
  it('chains entries: hash = SHA-256(prev ‖ canonical {seq, at_us, examiner, action, details})', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    t.session.journal.append('note.test', { text: 'hello', n: 2 });
    const [first, second] = t.session.journal.list();
    expect(first!.prev).toBe(GENESIS_HASH);
    expect(second!.prev).toBe(first!.hash);
    const payload = `{"action":"note.test","at_us":${second!.atUs},"details":{"n":2,"text":"hello"},"examiner":"Test Examiner","seq":2}`;
    const expected = createHash('sha256')
      .update(first!.hash + payload)
      .digest('hex');
    expect(second!.hash).toBe(expected);
    expect(t.session.journal.head()).toEqual({ entries: 2, head: expected });
  });

  it('records case creation first with the case identity', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const [create] = t.session.journal.list();
    expect(create!.action).toBe('case.create');
    expect(create!.details).toMatchObject({ case_id: t.session.info().id, name: 'Test case', number: 'T-1', time_zone: 'Europe/Berlin' });
  });

  it('rolls an entry back with the transaction that failed', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const db = t.session.db;
    expect(() =>
      db.transaction(() => {
        t.session.journal.append('will.rollback', {});
        throw new Error('boom');
      })(),
    ).toThrow('boom');
    expect(t.session.journal.list().map((e) => e.action)).toEqual(['case.create']);
  });

  it('keeps times non-decreasing and records each examiner', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const s = t.reopen({ examiner: 'Second Examiner' });
    s.journal.append('note.test', {});
    const entries = s.journal.list();
    expect(entries.at(-1)!.examiner).toBe('Second Examiner');
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.atUs).toBeGreaterThanOrEqual(entries[i - 1]!.atUs);
    const names = s.db.prepare('SELECT name FROM examiners ORDER BY id').all();
    expect(names).toEqual([{ name: 'Test Examiner' }, { name: 'Second Examiner' }]);
  });
});
