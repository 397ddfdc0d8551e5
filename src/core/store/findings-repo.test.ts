import { afterEach, describe, expect, it } from 'vitest';
import { analysisCase, ev } from '../../../test/helpers/events';
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
    const t = await analysisCase();
    cleanups.push(t.cleanup);
    const db = t.db;
    const ids = t.write(Array.from({ length: 40 }, () => ev()));
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
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
