// Exports cut off at a portal or cmdlet limit, or pages whose continuation is missing, import as
// they are and say so: a warning per file in the report, and in the journal, in either parse path.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importPaths, ingestEvidence } from '../../src/core/ingest';
import { warningsByEvidence } from '../../src/core/ingest/case-completeness';
import { MORE_PAGES_WARNING, pullsWarning } from '../../src/core/ingest/completeness';
import { renderReport } from '../../src/core/report/render-report';
import { casesPerTest, tempDir } from '../helpers/case';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const fresh = casesPerTest();

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function guid(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

function auditData(i: number): string {
  return JSON.stringify({
    CreationTime: '2026-01-24T06:54:24',
    Id: guid(i),
    Operation: 'MailItemsAccessed',
    RecordType: 50,
    UserId: 'ceo@contoso.com',
    Workload: 'Exchange',
    ClientIPAddress: '185.73.124.135',
  });
}

const quoted = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * `Search-UnifiedAuditLog | Export-Csv` of `rows` records out of a search that found `resultCount`,
 * or of several searches appended one after another (`[rows, resultCount]` each, as a windowed
 * collection writes them).
 */
function powershellCsv(rows: number, resultCount: number, ...more: [number, number][]): string {
  const header = 'RunspaceId,RecordType,CreationDate,UserIds,Operations,AuditData,ResultIndex,ResultCount,Identity,IsValid,ObjectState\r\n';
  let id = 0;
  const body = [[rows, resultCount] as [number, number], ...more].flatMap(([n, found]) =>
    Array.from({ length: n }, (_, i) => {
      const k = id++;
      return `${guid(9999)},ExchangeItemAggregated,1/24/2026 6:54:24 AM,ceo@contoso.com,MailItemsAccessed,${quoted(auditData(k))},${i + 1},${found},${guid(k)},True,Unchanged\r\n`;
    }),
  );
  return `#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.UnifiedAuditLogEvent\r\n${header}${body.join('')}`;
}

/** A Purview portal export of `rows` records. */
function purviewCsv(rows: number): string {
  const header = '\uFEFFRecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n';
  const body = Array.from(
    { length: rows },
    (_, i) => `${guid(i)},2026-01-24T06:54:24.0000000Z ,50,MailItemsAccessed,ceo@contoso.com,${quoted(auditData(i))},,\r\n`,
  );
  return header + body.join('');
}

const signIns = (JSON.parse(readFileSync(join(FIXTURES, 'graph-signins', 'page.json'), 'utf8')) as { value: unknown[] }).value;
const NEXT_LINK = 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=x';
const MORE_PAGES = MORE_PAGES_WARNING;

/** The `warnings` of the `import.evidence` entries, in import order (null where there were none). */
function journaledWarnings(t: ReturnType<typeof fresh>): unknown[] {
  return t.session.journal
    .list(0, 100)
    .filter((e) => e.action === 'import.evidence')
    .map((e) => e.details['warnings'] ?? null);
}

describe('incomplete exports', () => {
  for (const parseThread of [false, true]) {
    const path = parseThread ? 'in the parse thread' : 'in the writing thread';

    it(`reports a ResultCount above the rows of a Search-UnifiedAuditLog export, ${path}`, async () => {
      const t = fresh();
      const report = await importPaths(t.session, [file('ual.csv', powershellCsv(3, 12))], { parseThread });
      const warning = 'ResultCount says the search found 12 records but the file holds 3 of them: 9 were not exported';
      expect(report.files[0]).toMatchObject({ format: 'ual-powershell-csv', read: 3, imported: 3, warnings: [warning] });
      expect(journaledWarnings(t)).toEqual([[warning]]);
    });

    it(`reports a search cut short among the searches a windowed collection appended to one file, ${path}`, async () => {
      const t = fresh();
      // 40 + 25 + 30 rows: more than the cut search found (30), so only a per-search count sees it.
      const csv = file('windows.csv', powershellCsv(40, 40, [25, 37], [30, 30]));
      const report = await importPaths(t.session, [csv], { parseThread });
      const warning =
        'holds the rows of 3 searches (told apart by ResultCount); one returned fewer rows than it found ' +
        '(37 found, 25 here): 12 records were not exported; split the date range of those searches';
      expect(report.files[0]).toMatchObject({ read: 95, imported: 95, warnings: [warning] });
      expect(journaledWarnings(t)).toEqual([[warning]]);
    });

    it(`reports a lone page that says more follow, wherever the link sits, ${path}`, async () => {
      const t = fresh();
      const after = file('after.json', JSON.stringify({ '@odata.context': 'ctx', value: signIns, '@odata.nextLink': NEXT_LINK }, null, 1));
      const before = file('before.json', JSON.stringify({ '@odata.nextLink': NEXT_LINK, value: signIns }));
      const report = await importPaths(t.session, [after, before], { parseThread, format: 'graph-signins' });
      expect(report.files.map((f) => f.warnings ?? [])).toEqual([[MORE_PAGES], [MORE_PAGES]]);
      expect(report.files[0]!.read).toBe(signIns.length);
      // The item's entry records the link; the import's verdict follows once every file is in.
      const journal = t.session.journal.list(0, 100);
      expect(journal.filter((e) => e.action === 'import.evidence').map((e) => e.details['page_role'])).toEqual(['linked', 'linked']);
      expect(journal.filter((e) => e.action === 'import.incomplete').map((e) => e.details)).toEqual(
        report.files.map((f) => ({ evidence_id: f.evidenceId, path: f.path, warning: MORE_PAGES })),
      );
    });
  }

  it('accepts pages saved one per file when the last one is there, and flags the set without it', async () => {
    const t = fresh();
    const pages = (folder: string, n: number, withLast: boolean): string => {
      mkdirSync(join(dir, folder), { recursive: true });
      for (let i = 1; i <= n; i++) {
        const links = i < n || !withLast;
        const body = { value: [{ ...(signIns[0] as object), id: guid(100 * n + i) }], ...(links ? { '@odata.nextLink': NEXT_LINK } : {}) };
        writeFileSync(join(dir, folder, `page-${i}.json`), JSON.stringify(body));
      }
      return join(dir, folder);
    };
    const report = await importPaths(t.session, [pages('complete', 3, true), pages('cut', 2, false)], { format: 'graph-signins' });
    expect(report.files.map((f) => [f.path.slice(dir.length + 1), f.warnings ?? []])).toEqual([
      ['complete/page-1.json', []],
      ['complete/page-2.json', []],
      ['complete/page-3.json', []],
      ['cut/page-1.json', [MORE_PAGES]],
      ['cut/page-2.json', [MORE_PAGES]],
    ]);
    expect(t.session.journal.list(0, 100).filter((e) => e.action === 'import.incomplete')).toHaveLength(2);
    // What the Overview's evidence list and the report show later, read back from the journal.
    const byItem = warningsByEvidence(t.session.db);
    expect([...byItem.keys()]).toEqual(report.files.slice(3).map((f) => f.evidenceId));
    expect([...byItem.values()]).toEqual([[MORE_PAGES], [MORE_PAGES]]);
  });

  it('clears the mark on the evidence once a later import brings the last page, and keeps what the first import said', async () => {
    const t = fresh();
    const later = join(dir, 'later');
    mkdirSync(later);
    const page = (i: number, next: boolean): string =>
      JSON.stringify({ value: [{ ...(signIns[0] as object), id: guid(500 + i) }], ...(next ? { '@odata.nextLink': NEXT_LINK } : {}) });
    writeFileSync(join(later, 'page-1.json'), page(1, true));
    const first = await importPaths(t.session, [join(later, 'page-1.json')]);
    expect(first.files[0]!.warnings).toEqual([MORE_PAGES]);
    expect(warningsByEvidence(t.session.db)).toEqual(new Map([[first.files[0]!.evidenceId, [MORE_PAGES]]]));
    writeFileSync(join(later, 'page-2.json'), page(2, false));
    const second = await importPaths(t.session, [join(later, 'page-2.json')]);
    expect(second.files[0]!.warnings).toBeUndefined();
    expect(warningsByEvidence(t.session.db)).toEqual(new Map());
    expect(t.session.journal.list(0, 100).filter((e) => e.action === 'import.incomplete')).toHaveLength(1);
  });

  it('tells two pulls saved into one folder apart by their links, and flags their pages while one lacks its last page', async () => {
    const t = fresh();
    const both = join(dir, 'two-pulls');
    mkdirSync(both);
    const link = (user: string, token: string) =>
      `https://graph.microsoft.com/v1.0/auditLogs/signIns?$filter=userPrincipalName eq '${user}'&$skiptoken=${token}`;
    const page = (i: number, next: string | null): string =>
      JSON.stringify({ value: [{ ...(signIns[0] as object), id: guid(700 + i) }], ...(next ? { '@odata.nextLink': next } : {}) });
    writeFileSync(join(both, 'ceo-1.json'), page(1, link('ceo@contoso.com', 'a1')));
    writeFileSync(join(both, 'ceo-2.json'), page(2, link('ceo@contoso.com', 'a2')));
    writeFileSync(join(both, 'ceo-3.json'), page(3, null));
    writeFileSync(join(both, 'cfo-1.json'), page(4, link('cfo@contoso.com', 'b1')));
    const report = await importPaths(t.session, [both]);
    const cut = pullsWarning(2, 1);
    expect(report.files.map((f) => [basename(f.path), f.warnings ?? []])).toEqual([
      ['ceo-1.json', [cut]],
      ['ceo-2.json', [cut]],
      ['ceo-3.json', []],
      ['cfo-1.json', [cut]],
    ]);
    // The journal keeps each linked page's pull, so the case-wide view judges the same way…
    const pulls = t.session.journal
      .list(0, 100)
      .filter((e) => e.action === 'import.evidence')
      .map((e) => e.details['page_pull'] ?? null);
    expect(pulls).toEqual([
      "https://graph.microsoft.com/v1.0/auditlogs/signins?$filter=userprincipalname eq 'ceo@contoso.com'",
      "https://graph.microsoft.com/v1.0/auditlogs/signins?$filter=userprincipalname eq 'ceo@contoso.com'",
      null,
      "https://graph.microsoft.com/v1.0/auditlogs/signins?$filter=userprincipalname eq 'cfo@contoso.com'",
    ]);
    expect([...warningsByEvidence(t.session.db).values()]).toEqual([[cut], [cut], [cut]]);
    // …and clears them once the second pull's last page is imported.
    writeFileSync(join(both, 'cfo-2.json'), page(5, null));
    await importPaths(t.session, [join(both, 'cfo-2.json')]);
    expect(warningsByEvidence(t.session.db)).toEqual(new Map());
  });

  it('lists each warning of an item once, however often the item was imported', async () => {
    const t = fresh();
    const ual = file('again.csv', powershellCsv(2, 40));
    const first = await importPaths(t.session, [ual]);
    const second = await importPaths(t.session, [ual]);
    expect(second.files[0]).toMatchObject({ read: 2, imported: 0, duplicates: 2, warnings: first.files[0]!.warnings });
    expect(warningsByEvidence(t.session.db)).toEqual(new Map([[first.files[0]!.evidenceId, first.files[0]!.warnings]]));
  });

  it('judges a file of several pages (one per line) by its own last page, whatever is beside it', async () => {
    const t = fresh();
    const page = (i: number, next: boolean): string =>
      JSON.stringify({ value: [{ ...(signIns[0] as object), id: guid(i) }], ...(next ? { '@odata.nextLink': NEXT_LINK } : {}) });
    const complete = file('complete.jsonl', `${page(1, true)}\n${page(2, true)}\n${page(3, false)}\n`);
    const cut = file('cut.jsonl', `${page(4, true)}\n${page(5, true)}\n`);
    const report = await importPaths(t.session, [complete, cut], { format: 'graph-signins' });
    expect(report.files.map((f) => [f.read, f.warnings ?? []])).toEqual([
      [3, []],
      [2, ['the last of its 2 pages carries @odata.nextLink: the service had more records; fetch the following pages']],
    ]);
  });

  it('judges pages written one after another by their own last page, also when a line is too long to be read as a line', async () => {
    const t = fresh();
    const at = join(dir, 'streams');
    mkdirSync(at);
    const page = (from: number, n: number, link: string | null | undefined, indent?: number): string =>
      JSON.stringify(
        {
          value: Array.from({ length: n }, (_, k) => ({ ...(signIns[0] as object), id: guid(10_000 + from + k) })),
          ...(link === undefined ? {} : { '@odata.nextLink': link }),
        },
        null,
        indent,
      );
    // Pretty pages back to back; compact pages of 800 sign-ins, each line over 1 MiB; SDK output
    // with a null link on the last page; and a run whose last page still links on.
    writeFileSync(join(at, 'pretty.json'), `${page(0, 2, NEXT_LINK, 2)}\n${page(2, 2, undefined, 2)}`);
    writeFileSync(join(at, 'long-lines.jsonl'), `${page(100, 800, NEXT_LINK)}\n${page(900, 800, NEXT_LINK)}\n${page(1700, 800, null)}\n`);
    writeFileSync(join(at, 'sdk.json'), page(3000, 2, null));
    writeFileSync(join(at, 'cut-run.jsonl'), `${page(4000, 800, NEXT_LINK)}\n${page(4800, 800, NEXT_LINK)}\n`);
    const report = await importPaths(t.session, [at], { format: 'graph-signins' });
    expect(report.files.map((f) => [basename(f.path), f.read, f.warnings ?? []])).toEqual([
      [
        'cut-run.jsonl',
        1_600,
        ['the last of its 2 pages carries @odata.nextLink: the service had more records; fetch the following pages'],
      ],
      ['long-lines.jsonl', 2_400, []],
      ['pretty.json', 4, []],
      ['sdk.json', 2, []],
    ]);
  }, 60_000);

  it('reports a Purview export of exactly 50,000 records, the portal limit, and not one of 49,999', async () => {
    const t = fresh();
    const report = await importPaths(t.session, [file('full.csv', purviewCsv(50_000)), file('short.csv', purviewCsv(49_999))]);
    expect(report.files.map((f) => [f.format, f.read, f.warnings ?? []])).toEqual([
      [
        'purview-csv',
        50_000,
        ['holds exactly 50,000 records, the Purview export limit: the search probably had more; split its date range and export again'],
      ],
      ['purview-csv', 49_999, []],
    ]);
    // The second file repeats the first's records: warnings describe the file, not what was new.
    expect(report.files[1]!.duplicates).toBe(49_999);
  }, 60_000);

  it('marks the item in the PDF report and counts it with the collection gaps', async () => {
    const t = fresh();
    const cut = join(dir, 'report-cut');
    mkdirSync(cut);
    writeFileSync(join(cut, 'page-0001.json'), JSON.stringify({ value: signIns, '@odata.nextLink': NEXT_LINK }));
    await importPaths(t.session, [cut, file('report-ual.csv', powershellCsv(3, 3))]);
    const pdf = join(dir, 'report.pdf');
    await renderReport(t.session, pdf);
    const r = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('1 imported evidence item looks incomplete');
    expect(text).toContain(`INCOMPLETE EXPORT: ${MORE_PAGES}`);
    expect(text.match(/INCOMPLETE EXPORT:/g)).toHaveLength(1);
  });

  it('leaves pages to the collector, which follows the links itself', async () => {
    const t = fresh();
    const text = JSON.stringify({ value: signIns, '@odata.nextLink': NEXT_LINK });
    const origin = { type: 'manual', description: 'page' } as const;
    const a = await t.session.evidence.add(text, { kind: 'http-response', origin });
    const collected = await ingestEvidence(t.session, a.item.id, { format: 'graph-signins', checkCompleteness: false });
    expect(collected).toMatchObject({ warnings: [], pageRole: 'none' });
    const b = await t.session.evidence.add(`${text}\n`, { kind: 'http-response', origin });
    const imported = await ingestEvidence(t.session, b.item.id, { format: 'graph-signins' });
    expect(imported).toMatchObject({ warnings: [], pageRole: 'linked' });
  });
});
