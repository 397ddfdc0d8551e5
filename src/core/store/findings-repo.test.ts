import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import { EventWriter } from './events-repo';
import { insertRun, listFindings, replaceFindings, type FindingInput } from './findings-repo';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function finding(fingerprint: string, eventIds: number[]): FindingInput {
  return {
    analyzer: 'test',
    fingerprint,
    kind: 'finding',
    severity: 'medium',
    title: fingerprint,
    why: 'because',
    nextSteps: [],
    actors: [],
    eventIds,
    firstUs: null,
    lastUs: null,
  };
}

describe('replaceFindings', () => {
  it("keeps each finding's events in the order given (links are written in event order), first occurrence wins", async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const db = t.session.db;
    const evidence = (await t.session.evidence.add('x', { kind: 'file', origin: { type: 'manual', description: 'x' } })).item.id;
    const writer = new EventWriter(db);
    db.transaction(() => {
      for (let i = 0; i < 40; i++)
        writer.write(
          {
            tsUs: 1_700_000_000_000_000 + i,
            source: 'ual',
            recordType: null,
            operation: 'Send',
            category: 'mail-send',
            actor: null,
            mailbox: null,
            clientIp: null,
            userAgent: null,
            clientApp: null,
            appId: null,
            sessionId: null,
            tokenId: null,
            deviceId: null,
            result: null,
            object: null,
            summary: `e${i}`,
            recordKey: `ual:${i}`,
            attrs: {},
            raw: '{}',
          },
          evidence,
          i,
        );
    })();
    const run = (findings: FindingInput[]) =>
      db.transaction(() => replaceFindings(db, insertRun(db, 1, 2, 'e', ['test'], 40, findings.length), ['test'], findings))();
    run([finding('a', [30, 10, 20, 10, 1]), finding('b', [20, 5, 40])]);
    const byTitle = () => Object.fromEntries(listFindings(db).map((f) => [f.title, f.eventIds]));
    expect(byTitle()).toEqual({ a: [30, 10, 20, 1], b: [20, 5, 40] });
    // A re-run replaces the links in place.
    expect(run([finding('a', [3, 2, 1]), finding('b', [40, 39])])).toEqual({ added: 0, updated: 2, removed: 0 });
    expect(byTitle()).toEqual({ a: [3, 2, 1], b: [40, 39] });
  });
});
