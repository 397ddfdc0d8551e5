// The analysis commands as a user runs them: search, analyze, tag, comment, note, sessions, enrich.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailtrail } from '../helpers/cli';
import { analysisCase } from '../helpers/events';
import { becFixture } from '../helpers/bec-fixture';

let file = '';
let cleanup = () => {};
let ruleId = 0;
let signinId = 0;
const env = () => ({ MAILTRAIL_PASSPHRASE: 'correct horse battery staple', MAILTRAIL_EXAMINER: 'CLI Examiner' });

beforeAll(async () => {
  const c = await analysisCase();
  const fx = becFixture();
  const ids = c.write(fx.events);
  const byKey = new Map(fx.events.map((e, i) => [e.recordKey!, ids[i]!]));
  ruleId = byKey.get(fx.attackKeys['rule']!)!;
  signinId = byKey.get(fx.attackKeys['signin']!)!;
  c.session.close();
  file = c.file;
  cleanup = c.cleanup;
});
afterAll(() => cleanup());

describe('mailtrail search / analyze / tag / comment / note / sessions / enrich', () => {
  it('searches with the query language (lines, JSON, CSV) and reports query errors with the column', () => {
    const r = mailtrail(['search', file, 'ip:146.70.0.0/16 category:rule-change', '--json'], env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = r.json() as { total: number; events: { id: number; operation: string }[] };
    expect(j.total).toBe(1);
    expect(j.events[0]).toMatchObject({ id: ruleId, operation: 'New-InboxRule' });
    const csv = mailtrail(['search', file, 'actor:alice@contoso.com', '--csv', '--limit', '3'], env());
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id,tsUs,source,operation/);
    expect(lines.length).toBe(4);
    const human = mailtrail(['search', file, 'op:new-inboxrule', '--from', '2026-01-01', '--to', '2026-02-01'], env());
    expect(human.stdout).toMatch(/New-InboxRule/);
    expect(human.stdout).toMatch(/2 of 2 matching events/);
    const bad = mailtrail(['search', file, 'actor:x AND'], env());
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/query error at column 9: AND needs a term on both sides/);
    expect(mailtrail(['search', file, 'x', '--from', 'yesterday'], env()).status).toBe(2);
  });

  it('analyzes: JSON findings with severity and event ids, the storyline high', () => {
    const r = mailtrail(['analyze', file, '--json'], env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = r.json() as {
      findings: { analyzer: string; severity: string; eventIds: number[]; actors: string[] }[];
      counts: Record<string, number>;
    };
    const story = j.findings.find((f) => f.analyzer === 'bec-storyline' && f.severity === 'high')!;
    expect(story.actors).toEqual(['alice@contoso.com']);
    expect(story.eventIds).toContain(ruleId);
    expect(story.eventIds[0]).toBe(signinId);
    expect(j.counts['high']).toBeGreaterThan(0);
    const human = mailtrail(['analyze', file, '--min-severity', 'high'], env());
    expect(human.stdout).toMatch(/^HIGH {3}\[/m);
    expect(human.stdout).toMatch(/why: /);
    expect(human.stdout).not.toMatch(/^LOW/m);
  });

  it('tags by id and by query, comments, adds a note; all journaled', () => {
    expect(mailtrail(['tag', file, String(ruleId), String(signinId), '--tag', 'malicious', '--json'], env()).json()).toMatchObject({
      tag: 'malicious',
      changed: 2,
    });
    const q = mailtrail(['tag', file, '--query', 'ip:146.70.53.21', '--tag', 'attacker-ip'], env());
    expect(q.status).toBe(0);
    expect(q.stdout).toMatch(/tag "attacker-ip" \(#[0-9a-f]{6}\) added to \d+ events/);
    expect(mailtrail(['tag', file, '--tag', 'x'], env()).status).toBe(2);
    expect(mailtrail(['tag', file, '999999', '--tag', 'x'], env()).stderr).toMatch(/no event 999999/);
    const c = mailtrail(['comment', file, String(ruleId), 'Created from the AiTM session', '--json'], env());
    expect(c.json()).toMatchObject({ eventId: ruleId, author: 'CLI Examiner', text: 'Created from the AiTM session' });
    const n = mailtrail(
      ['note', file, 'Phone call with the bank: wire recalled', '--at', '2026-01-14T15:30:00Z', '--actor', 'alice@contoso.com', '--json'],
      env(),
    );
    expect(n.status).toBe(0);
    const noteId = (n.json() as { eventId: number }).eventId;
    const found = mailtrail(['search', file, 'source:manual', '--json'], env()).json() as {
      events: { id: number; examinerAdded: boolean; tsUs: number }[];
    };
    expect(found.events).toEqual([
      expect.objectContaining({ id: noteId, examinerAdded: true, tsUs: Date.UTC(2026, 0, 14, 15, 30) * 1000 }),
    ]);
    const tagged = mailtrail(['search', file, 'tag:malicious', '--json'], env()).json() as { total: number };
    expect(tagged.total).toBe(2);
    const verify = mailtrail(['verify', file, '--json'], env());
    expect(verify.status).toBe(0);
  });

  it('lists sessions (JSON and lines) and enrichment sources', () => {
    const r = mailtrail(['sessions', file, '--actor', 'alice@contoso.com', '--json'], env());
    expect(r.status).toBe(0);
    const sessions = (r.json() as { sessions: { key: string; flagged: boolean; countries: string[]; ips: string[] }[] }).sessions;
    const attack = sessions.find((s) => s.key === 'sid:a7f0c3d2-0000-4000-8000-00000000a77c')!;
    expect(attack.flagged).toBe(true);
    expect(attack.countries.sort()).toEqual(['BG', 'NG']);
    const human = mailtrail(['sessions', file, '--flagged'], env());
    expect(human.stdout).toMatch(/^! sid:a7f0c3d2/m);
    const sources = mailtrail(['enrich', file, '--sources', '--json'], env()).json() as { sources: { name: string }[] };
    expect(sources.sources.map((s) => s.name)).toEqual(
      expect.arrayContaining(['@ip-location-db/geo-whois-asn-country-mmdb', '@ip-location-db/asn']),
    );
    const rerun = mailtrail(['enrich', file, '--json'], env());
    expect(rerun.status).toBe(0);
    expect(rerun.json()).toMatchObject({ eventsChanged: 0 });
  });
});
