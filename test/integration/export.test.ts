// Event exports as a user runs them: CSV (read back with csv-parse), JSONL, Timesketch JSONL and a
// STIX 2.1 bundle, each journaled with its SHA-256; plus the `export:events` channel.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, openCase } from '../../src/core/case/case-file';
import { createCore } from '../../src/core/index';
import { tempDir } from '../helpers/case';
import { mailtrail } from '../helpers/cli';
import { annotateCase, fillCase, RULE } from './report-fixture';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON is checked by the assertions
type Json = Record<string, any>;
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const PW = 'export test passphrase';
const env = { MAILTRAIL_PASSPHRASE: PW };
const caseFile = join(dir, 'bec.mtcase');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const lines = (f: string) =>
  readFileSync(f, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Json);
let marked: { malicious: number[]; suspicious: number[]; starredOnly: number[] };
let total = 0;

function exportTo(name: string, args: string[]): { file: string; result: Json } {
  const file = join(dir, name);
  const r = mailtrail(['export', caseFile, '--out', file, '--json', ...args], env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return { file, result: r.json() };
}

beforeAll(async () => {
  const s = createCase({
    file: caseFile,
    name: 'Contoso BEC',
    examiner: 'A. Examiner',
    number: 'BEC-7',
    timeZone: 'Europe/Berlin',
    passphrase: PW,
  });
  const { eventIds } = await fillCase(s, 80);
  marked = await annotateCase(s, eventIds);
  total = (s.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  s.close();
}, 60_000);

describe('mailtrail export', () => {
  it('CSV: every event, RFC 4180 quoting, tags and comments, formulas neutralised', () => {
    const { file, result } = exportTo('events.csv', ['--format', 'csv']);
    expect(result).toMatchObject({ format: 'csv', events: total, sha256: sha(file) });
    const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(total);
    const times = rows.map((r) => Number(r['ts_us']));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const first = rows.find((r) => Number(r['id']) === marked.malicious[0])!;
    expect(first['tags']).toBe('malicious');
    expect(first['starred']).toBe('true');
    // A comment starting with "=" would run in a spreadsheet: it is prefixed with an apostrophe.
    expect(first['comments']).toMatch(/^A\. Examiner @ 2026-\d\d-\d\dT[\d:.]+Z: =HYPERLINK/);
    const sends = rows.filter((r) => r['operation'] === 'Send');
    expect(sends.length).toBeGreaterThan(0);
    for (const r of sends) expect(r['object']).toMatch(/^'=HYPERLINK/);
    // Text with quotes, commas, tabs and newlines survives the round trip.
    expect(rows.some((r) => r['object'] === '.. "=,;\tRSS')).toBe(true);
    const second = rows.find((r) => Number(r['id']) === marked.malicious[1])!;
    expect(second['comments']).toContain('Sign-in from hosting ASN.\nSecond line');
  });

  it('JSONL: full events with attrs, raw record, tags, star and comments', () => {
    const { file, result } = exportTo('events.jsonl', ['--format', 'jsonl', '--only-tagged']);
    const tagged = new Set([...marked.malicious, ...marked.suspicious]);
    const rows = lines(file);
    expect(result['events']).toBe(rows.length);
    // Tagged events of the fixture plus the examiner-added event tagged at creation.
    expect(rows.length).toBe(tagged.size + 1);
    for (const r of rows) expect(r['tags'].length).toBeGreaterThan(0);
    const first = rows.find((r) => r['id'] === marked.malicious[0])!;
    expect(first).toMatchObject({ tags: ['malicious'], starred: true, examiner_added: false });
    expect(first['comments'][0]).toMatchObject({ author: 'A. Examiner', text: expect.stringMatching(/^=HYPERLINK/) });
    expect(typeof first['raw']).toBe('string');
    expect(first['time']).toMatch(/^2026-01-0\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('Timesketch: message, datetime, timestamp_desc, microsecond timestamp, tag list', () => {
    const { file } = exportTo('events.timesketch.jsonl', ['--format', 'timesketch']);
    const rows = lines(file);
    expect(rows).toHaveLength(total);
    for (const r of rows) {
      expect(typeof r['message']).toBe('string');
      expect(r['datetime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      expect(typeof r['timestamp_desc']).toBe('string');
      expect(Date.parse(r['datetime']) * 1000).toBe(Math.floor(r['timestamp'] / 1000) * 1000);
      expect(Object.values(r).every((v) => typeof v !== 'object' || Array.isArray(v))).toBe(true);
    }
    const first = rows.find((r) => r['mailtrail_event_id'] === marked.malicious[0])!;
    expect(first).toMatchObject({ tag: ['malicious'], starred: true, timestamp_desc: expect.any(String) });
    expect(first['comments']).toMatch(/=HYPERLINK/);
    expect(rows.find((r) => r['mailtrail_event_id'] === marked.starredOnly[0])!['tag']).toBeUndefined();
  });

  it('STIX 2.1: one indicator per IP, user agent and app id of tagged events, the same bundle twice', () => {
    const { file, result } = exportTo('indicators.stix.json', ['--format', 'stix', '--read-only']);
    const again = exportTo('indicators-again.stix.json', ['--format', 'stix', '--read-only']);
    expect(readFileSync(again.file).equals(readFileSync(file))).toBe(true);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { type: string; id: string; objects: Json[] };
    expect(bundle.type).toBe('bundle');
    expect(bundle.id).toMatch(/^bundle--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const indicators = bundle.objects.filter((o) => o['type'] === 'indicator');
    expect(indicators).toHaveLength(result['indicators']);
    const s = openCase({ file: caseFile, passphrase: PW, readOnly: true });
    const taggedIps = new Set(
      (
        s.db
          .prepare('SELECT DISTINCT client_ip AS ip FROM events WHERE client_ip IS NOT NULL AND id IN (SELECT event_id FROM event_tags)')
          .all() as { ip: string }[]
      ).map((r) => r.ip),
    );
    s.close();
    const ipPatterns = indicators.map((i) => i['pattern'] as string).filter((p) => /^\[ipv[46]-addr:value/.test(p));
    expect(ipPatterns.length).toBe(taggedIps.size);
    for (const ip of taggedIps) expect(ipPatterns).toContain(`[${ip.includes(':') ? 'ipv6' : 'ipv4'}-addr:value = '${ip}']`);
    for (const i of indicators) {
      expect(i).toMatchObject({ spec_version: '2.1', pattern_type: 'stix', created_by_ref: expect.stringMatching(/^identity--/) });
      expect(i['valid_from']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(indicators.some((i) => String(i['pattern']).includes("'User-Agent' = 'Mozilla/5.0"))).toBe(true);
  });

  it('filters with the search language', () => {
    const { file, result } = exportTo('rules.jsonl', ['--format', 'jsonl', '--query', 'operation:New-InboxRule']);
    const rows = lines(file);
    expect(rows.length).toBeGreaterThan(0);
    expect(result['events']).toBe(rows.length);
    expect(rows.every((r) => r['operation'] === 'New-InboxRule')).toBe(true);
    expect(rows[0]!['attrs']).toEqual({ rule: RULE, fields: { Name: '..', MoveToFolder: 'RSS Feeds' } });
  });

  it('journals every export with its SHA-256 (unless --read-only)', () => {
    const s = openCase({ file: caseFile, passphrase: PW, readOnly: true });
    try {
      const exports = s.journal.list(0, 10_000).filter((e) => e.action === 'export.events');
      const csv = exports.find((e) => e.details['format'] === 'csv')!;
      expect(csv.details).toMatchObject({ sha256: sha(join(dir, 'events.csv')), events: total, only_tagged: false, query: null });
      expect(exports.some((e) => e.details['format'] === 'stix')).toBe(false);
    } finally {
      s.close();
    }
  });

  it('refuses an unknown format with a usage error', () => {
    const r = mailtrail(['export', caseFile, '--format', 'xlsx', '--out', join(dir, 'x.xlsx')], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown --format xlsx/);
  });
});

describe('export:events channel', () => {
  it('exports from the open case and returns path, bytes and SHA-256', async () => {
    const core = createCore();
    try {
      await core.handlers['case:open']({ file: caseFile, passphrase: PW });
      const out = join(dir, 'channel.csv');
      const r = await core.handlers['export:events']({ out, format: 'csv', onlyTagged: true });
      expect(r).toMatchObject({ path: out, bytes: readFileSync(out).length, sha256: sha(out), format: 'csv' });
      expect(r.events).toBe(new Set([...marked.malicious, ...marked.suspicious]).size + 1);
    } finally {
      core.dispose();
    }
  });
});
