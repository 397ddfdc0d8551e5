import { afterEach, describe, expect, it } from 'vitest';
import { analysisCase, ev } from '../../../test/helpers/events';
import type { EventCategory } from '../../shared/model/event';
import { eventsByIds, PivotReader, type AnalysisEvent, type PivotScope } from './analysis-repo';
import type { Db } from './database';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const USERS = ['ceo@contoso.com', 'cfo@contoso.com', null];
const CATEGORIES: EventCategory[] = ['logon', 'mail-read', 'rule-change', 'file', 'mail-send'];
const SESSIONS = ['s1', 's2', 's3'];
const IPS = ['185.73.124.135', '10.0.0.1'];

/** A case of 600 events over sessions, IPs, users and categories, many sharing a timestamp. */
async function setup() {
  const t = await analysisCase();
  cleanups.push(t.cleanup);
  t.write(
    Array.from({ length: 600 }, (_, i) => {
      const user = USERS[i % 3]!;
      return ev({
        // Descending, with ties: the (time, id) order must hold across fetches.
        tsUs: 1_700_000_000_000_000 - Math.floor(i / 4) * 1_000_000,
        operation: `op${i % 5}`,
        category: CATEGORIES[i % 5]!,
        actor: user,
        mailbox: i % 7 === 0 ? null : user,
        clientIp: IPS[i % 2]!,
        sessionId: SESSIONS[i % 3]!,
        attrs: { fields: { n: i } },
      });
    }),
  );
  return t.db;
}

/** The reference: the window's ids straight from SQL, read by id, in (time, id) order. */
function window(db: Db, column: 'session_id' | 'client_ip', value: string, from: number, to: number): AnalysisEvent[] {
  const ids = db
    .prepare(`SELECT id FROM events WHERE ${column} = ? AND ts_us >= ? AND ts_us < ? ORDER BY ts_us, id`)
    .pluck()
    .all(value, from, to) as number[];
  return eventsByIds(db, ids);
}

const inScope = (e: AnalysisEvent, scope: PivotScope) =>
  (e.actor === scope.user || e.mailbox === scope.user || (e.actor === null && e.mailbox === null)) && scope.categories.has(e.category);

describe('PivotReader', () => {
  it('returns exactly the events of each session / IP window, in (time, id) order, across overlapping windows and cache resets', async () => {
    const db = await setup();
    const t0 = 1_700_000_000_000_000 - 150 * 1_000_000;
    const windows = Array.from({ length: 12 }, (_, k) => [t0 + k * 10_000_000, t0 + k * 10_000_000 + 40_000_000] as const);
    const scope: PivotScope = { user: 'ceo@contoso.com', categories: new Set(['logon', 'rule-change', 'mail-send']) };
    // A tiny cache forces resets mid-way; a large one serves later windows from memory.
    for (const reader of [new PivotReader(db, 15), new PivotReader(db)]) {
      let served = 0;
      for (const [from, to] of windows) {
        for (const s of SESSIONS) {
          const expected = window(db, 'session_id', s, from, to);
          expect(reader.inSession(s, from, to)).toEqual(expected);
          expect(reader.inSession(s, from, to, scope)).toEqual(expected.filter((e) => inScope(e, scope)));
          served += expected.length;
        }
        for (const ip of IPS) {
          const expected = window(db, 'client_ip', ip, from, to);
          expect(reader.fromIp(ip, from, to)).toEqual(expected);
          expect(reader.fromIp(ip, from, to, scope)).toEqual(expected.filter((e) => inScope(e, scope)));
        }
      }
      expect(served).toBeGreaterThan(100);
    }
  });

  it('returns nothing for an unknown session or an empty window', async () => {
    const db = await setup();
    const reader = new PivotReader(db);
    expect(reader.inSession('nope', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(reader.fromIp(IPS[0]!, 5, 5)).toEqual([]);
  });
});
