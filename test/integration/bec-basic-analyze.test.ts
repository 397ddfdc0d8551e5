// Acceptance of issue 5: on the emulator's bec-basic scenario, exported as files and imported,
// `mailtrail analyze --json` finds every planted storyline step, the chained high-severity finding
// lists them, and no benign user is flagged high.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportScenario, generateScenario, type StorylineStep } from '../../src/emulator';
import { importPaths } from '../../src/core/ingest';
import { mailtrail } from '../helpers/cli';
import { analysisCase } from '../helpers/events';

interface JsonFinding {
  analyzer: string;
  severity: string;
  actors: string[];
  eventIds: number[];
  title: string;
}

const KEY_PREFIX: Record<string, string> = { ual: 'ual', mgmt: 'ual', signins: 'signin', audits: 'audit', activities: 'activity' };

let cleanup = () => {};
let file = '';
let steps: StorylineStep[] = [];
let users: string[] = [];
let keyToId = new Map<string, number>();

beforeAll(async () => {
  const c = await analysisCase();
  cleanup = c.cleanup;
  const sc = generateScenario({ scenario: 'bec-basic', seed: 7 });
  steps = sc.storyline;
  users = sc.users;
  const dir = join(c.dir, 'export');
  await exportScenario(sc, dir);
  await importPaths(c.session, [dir]);
  keyToId = new Map(
    (c.db.prepare('SELECT record_key AS k, id FROM events WHERE record_key IS NOT NULL').all() as { k: string; id: number }[]).map((r) => [
      r.k,
      r.id,
    ]),
  );
  c.session.close();
  file = c.file;
}, 600_000);
afterAll(() => cleanup());

describe('bec-basic, imported, analyzed from the command line', () => {
  it('chains every planted step into one high finding and flags no benign user high', () => {
    expect(steps.length).toBeGreaterThan(3);
    const r = mailtrail(['analyze', file, '--json'], { MAILTRAIL_PASSPHRASE: 'correct horse battery staple' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const findings = (r.json() as { findings: JsonFinding[] }).findings;
    const story = findings.filter((f) => f.analyzer === 'bec-storyline' && f.severity === 'high');
    expect(story.length, JSON.stringify(findings.filter((f) => f.severity === 'high').map((f) => f.title))).toBe(1);
    const chain = new Set(story[0]!.eventIds);
    const victim = story[0]!.actors[0]!;
    const missing: string[] = [];
    for (const step of steps) {
      const ids = Object.entries(step.records).flatMap(([src, recs]) =>
        KEY_PREFIX[src]
          ? (recs ?? []).map((id) => keyToId.get(`${KEY_PREFIX[src]}:${id}`)).filter((x): x is number => x !== undefined)
          : [],
      );
      if (ids.length === 0) continue; // a step only visible in mailbox state (no timeline event id)
      if (!ids.some((id) => chain.has(id))) missing.push(`${step.id}: ${step.title}`);
    }
    expect(missing).toEqual([]);
    const benign = users.filter((u) => u !== victim);
    const flagged = findings.filter((f) => f.severity === 'high' && f.actors.some((a) => benign.includes(a)));
    expect(flagged.map((f) => `${f.analyzer}: ${f.title}`)).toEqual([]);

    // The examiner confirms the storyline and analyzes again (the pivot analyzer now has seeds):
    // still no benign user high, e.g. through the nil session id every MessageDelivered carries.
    const env = { MAILTRAIL_PASSPHRASE: 'correct horse battery staple' };
    const tag = mailtrail(['tag', file, ...story[0]!.eventIds.map(String), '--tag', 'confirmed'], env);
    expect(tag.status, tag.stderr).toBe(0);
    const again = mailtrail(['analyze', file, '--json'], env);
    expect(again.status, again.stderr).toBe(0);
    const after = (again.json() as { findings: JsonFinding[] }).findings;
    expect(after.filter((f) => f.severity === 'high' && f.actors.some((a) => benign.includes(a))).map((f) => `${f.analyzer}: ${f.title}`)).toEqual([]);
    expect(after.filter((f) => f.analyzer === 'bec-storyline' && f.severity === 'high')).toHaveLength(1);
  });
});
