// The PDF report: deterministic bytes, every section present and readable by pdftotext, times with
// offsets, the selection options, journaling, and the `report:export` channel.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, openCase } from '../../src/core/case/case-file';
import { createCore } from '../../src/core/index';
import { tempDir } from '../helpers/case';
import { mailtrail } from '../helpers/cli';
import { annotateCase, fillCase, recordCollection } from './report-fixture';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const PW = 'report test passphrase';
const env = { MAILTRAIL_PASSPHRASE: PW };
const caseFile = join(dir, 'bec.mtcase');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
let marked: { malicious: number[]; suspicious: number[]; starredOnly: number[] };

/** The text of the section titled `title`, up to the next section `next` (past the contents page). */
function section(text: string, title: string, next: string): string {
  const end = text.lastIndexOf(next);
  const start = text.lastIndexOf(title, end);
  expect(start).toBeGreaterThan(0);
  return text.slice(start, end);
}

/** The text of a PDF as pdftotext reads it (`-layout` keeps table rows on one line). */
function pdfText(file: string): string {
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
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
  const { eventIds } = await fillCase(s, 150);
  marked = await annotateCase(s, eventIds);
  await recordCollection(s);
  const { runAnalyzers } = await import('../../src/core/analyze/run');
  runAnalyzers(s);
  s.close();
}, 60_000);

describe('mailtrail report', () => {
  it('produces the same bytes for the same case state, whatever the machine zone or locale', () => {
    const a = join(dir, 'a.pdf');
    const b = join(dir, 'b.pdf');
    expect(mailtrail(['report', caseFile, '--read-only', '--out', a], env).status).toBe(0);
    const r = mailtrail(['report', caseFile, '--read-only', '--out', b], {
      ...env,
      TZ: 'America/Los_Angeles',
      LANG: 'de_DE.UTF-8',
      LC_ALL: 'de_DE.UTF-8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    // Document dates come from the journal head, the ID from the content: no wall clock inside.
    const text = readFileSync(a).toString('latin1');
    expect(text).toMatch(/\/CreationDate \d+ 0 R/);
    expect(text).toMatch(/\(D:20\d{12}Z\)/);
    expect(text).toMatch(/\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
  });

  it('journals report.generate before and report.export with the SHA-256 after', () => {
    const out = join(dir, 'journaled.pdf');
    const r = mailtrail(['report', caseFile, '--out', out, '--json'], env);
    expect(r.status).toBe(0);
    const res = r.json() as { sha256: string; head: { seq: number; hash: string }; pages: number };
    expect(res.sha256).toBe(sha(out));
    const s = openCase({ file: caseFile, passphrase: PW, readOnly: true });
    try {
      const entries = s.journal.list(0, 10_000);
      const generate = entries.find((e) => e.seq === res.head.seq)!;
      expect(generate).toMatchObject({ action: 'report.generate', hash: res.head.hash });
      expect(entries[res.head.seq]).toMatchObject({ action: 'report.export', details: { sha256: res.sha256, out, pages: res.pages } });
    } finally {
      s.close();
    }
    // The report names itself: its head is the report.generate entry, printed on the cover.
    const text = pdfText(out);
    expect(text).toContain(res.head.hash);
    expect(text).toMatch(new RegExp(`journal entry ${res.head.seq}, report\\.generate\\s+by\\s+A\\.\\s+Examiner`));
  });

  it('holds every section, readable as text, with page numbers and the case number in the header', () => {
    const out = join(dir, 'sections.pdf');
    expect(mailtrail(['report', caseFile, '--read-only', '--out', out], env).status).toBe(0);
    const text = pdfText(out);
    for (const title of [
      'MAILTRAIL INVESTIGATION REPORT',
      'Contents',
      'Scope',
      'Sources and time ranges',
      'Collection gaps and retention limits',
      'Evidence inventory',
      'Findings',
      'Timeline',
      'Tagged and starred events',
      'Examiner-added events',
      'Sessions of interest',
      'IP addresses',
      'Enrichment databases',
      'Methodology and tool',
      'Custody journal',
      'Appendix: custody journal listing',
    ]) {
      expect(text, title).toContain(title);
    }
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    expect(pages.length).toBeGreaterThan(4);
    pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${pages.length}`));
    for (const p of pages.slice(1)) expect(p).toContain('Case BEC-7 · Contoso BEC');
    // Cover facts.
    expect(pages[0]).toContain('Contoso BEC');
    expect(pages[0]).toContain('Case number BEC-7');
    expect(pages[0]).toMatch(/Journal head \(SHA-256\)\s+[0-9a-f]{64}/);
    // Evidence inventory: origin, SHA-256, counts, quarantine.
    const s = openCase({ file: caseFile, passphrase: PW, readOnly: true });
    const items = s.evidence.list();
    s.close();
    expect(text).toContain('/evidence/contoso/');
    for (const item of items) expect(text).toContain(item.sha256);
    expect(text).toMatch(/150 \/ 1/); // events / quarantined of the audit log item
    // Tagged events with their comments, examiner-added events.
    expect(text).toContain(`#${marked.malicious[0]} `);
    expect(text).toContain('Tags: malicious');
    expect(text).toContain('looks like the attacker');
    expect(text).toContain('Bank recalled the wire transfer');
    expect(text).toContain('CFO received a phone call');
    // Collection runs and gaps as facts.
    expect(text).toContain('Tenant contoso.onmicrosoft.com (global cloud, device-code)');
    expect(text).toContain('Sign-ins older than 30 days are no longer kept');
    expect(text).toMatch(/throttled\s+2026-01-02/);
    // Findings from the analyzers, with why, next steps and linked events.
    expect(text).toMatch(/\[HIGH\] Suspicious inbox rule "\.\."/);
    expect(text).toContain('Next steps:');
    // Sessions of interest, the enrichment databases.
    expect(text).toMatch(/sessions contain an event tagged malicious/);
    expect(text).toContain('@ip-location-db/');
    // IP table with country and ASN.
    expect(text).toMatch(/203\.0\.113\.7\s+NL\s+AS64500\s+Example Hosting B\.V\./);
    // Every timestamp in the display zone carries its offset (Europe/Berlin in January: +01:00).
    expect(text).toMatch(/2026-01-0\d \d\d:\d\d:\d\d\.\d{3} \+01:00/);
    const times = [...text.matchAll(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?(.{0,7})/g)];
    expect(times.length).toBeGreaterThan(100);
    for (const t of times) expect(t[2], t[0]).toMatch(/^ [+-]\d\d:\d\d/);
  });

  it('shows times in the zone asked for, with that offset', () => {
    const out = join(dir, 'ny.pdf');
    expect(mailtrail(['report', caseFile, '--read-only', '--tz', 'America/New_York', '--out', out], env).status).toBe(0);
    const text = pdfText(out);
    expect(text).toMatch(/20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} -05:00/);
    expect(text).not.toContain('+01:00');
    expect(text).toContain('times in America/New_York');
  });

  it('selects tagged events only, or events of given tags', () => {
    const all = section(pdfText(join(dir, 'sections.pdf')), 'Tagged and starred events', 'Examiner-added events');
    for (const id of marked.starredOnly) expect(all).toContain(`#${id} `);
    const onlyTagged = join(dir, 'only-tagged.pdf');
    expect(mailtrail(['report', caseFile, '--read-only', '--only-tagged', '--out', onlyTagged], env).status).toBe(0);
    const t1 = section(pdfText(onlyTagged), 'Tagged events', 'Examiner-added events');
    for (const id of marked.starredOnly) expect(t1).not.toContain(`#${id} `);
    expect(t1).toContain(`#${marked.malicious[0]} `);
    const suspicious = join(dir, 'suspicious.pdf');
    expect(mailtrail(['report', caseFile, '--read-only', '--tags', 'suspicious', '--out', suspicious], env).status).toBe(0);
    const t2 = section(pdfText(suspicious), 'Tagged events', 'Examiner-added events');
    expect(t2).toContain('events tagged suspicious');
    const onlyMalicious = marked.malicious.filter((id) => !marked.suspicious.includes(id));
    for (const id of onlyMalicious) expect(t2).not.toContain(`#${id} `);
    for (const id of marked.suspicious) expect(t2).toContain(`#${id} `);
  });

  it('refuses an unknown time zone and an existing output', () => {
    const bad = mailtrail(['report', caseFile, '--read-only', '--tz', 'Mars/Olympus', '--out', join(dir, 'x.pdf')], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/unknown time zone: Mars\/Olympus/);
    const exists = mailtrail(['report', caseFile, '--read-only', '--out', join(dir, 'a.pdf')], env);
    expect(exists.status).toBe(1);
    expect(exists.stderr).toMatch(/already exists/);
  });
});

describe('report:export channel', () => {
  it('writes the report of the open case and returns path, bytes and SHA-256', async () => {
    const core = createCore();
    try {
      await core.handlers['case:open']({ file: caseFile, passphrase: PW });
      const out = join(dir, 'channel.pdf');
      const r = await core.handlers['report:export']({ out, tz: 'UTC', tags: ['malicious'] });
      expect(r).toMatchObject({ path: out, bytes: readFileSync(out).length, sha256: sha(out), timeZone: 'UTC' });
      expect(pdfText(out)).toContain('events tagged malicious');
    } finally {
      core.dispose();
    }
  });
});
