import { describe, expect, it } from 'vitest';
import {
  emptySignals,
  judgeItem,
  MORE_PAGES_WARNING,
  notePage,
  noteResultCount,
  pageSetWarnings,
  pullOf,
  pullsWarning,
} from './completeness';

const LINK = "https://graph.microsoft.com/v1.0/auditLogs/signIns?$filter=userPrincipalName eq 'ceo@contoso.com'";

const warningsOf = (...args: Parameters<typeof judgeItem>): string[] => judgeItem(...args).warnings;

describe('judging one export', () => {
  it('flags a Purview export cut at the portal limit, and not one row short of it', () => {
    expect(warningsOf('purview-csv', 50_000, emptySignals())).toEqual([
      'holds exactly 50,000 records, the Purview export limit: the search probably had more; split its date range and export again',
    ]);
    expect(warningsOf('purview-csv', 100_000, emptySignals())).toHaveLength(1);
    expect(warningsOf('purview-csv', 49_999, emptySignals())).toEqual([]);
    expect(warningsOf('purview-csv', 50_001, emptySignals())).toEqual([]);
    // The limit is the portal's: a JSON Lines file of 50,000 records says nothing.
    expect(warningsOf('ual-json', 50_000, emptySignals())).toEqual([]);
  });

  it('flags an Entra sign-in download cut at the admin center limit', () => {
    expect(warningsOf('entra-signin-csv', 250_000, emptySignals())).toEqual([
      'holds exactly 250,000 sign-ins, the most the Entra admin center downloads: the download probably stopped there; narrow its date range or read the sign-ins through Graph',
    ]);
    expect(warningsOf('entra-signin-json', 5_000, emptySignals())[0]).toMatch(
      /^holds exactly 5,000 sign-ins, the most the Entra admin center downloaded before 2019/,
    );
    expect(warningsOf('entra-signin-csv', 249_999, emptySignals())).toEqual([]);
    // Graph pulls page on (their last page decides), so 250,000 of them say nothing by themselves.
    expect(warningsOf('graph-signins', 250_000, emptySignals())).toEqual([]);
  });

  it('compares Search-UnifiedAuditLog ResultCount with the rows read', () => {
    const s = emptySignals();
    for (let i = 1; i <= 3; i++) noteResultCount(s, i === 2 ? ' 12 ' : '12', String(i));
    expect(warningsOf('ual-powershell-csv', 3, s)).toEqual([
      'ResultCount says the search found 12 records but the file holds 3 of them: 9 were not exported',
    ]);
    // Every row there: nothing to say, even at a cmdlet cap (the search itself counted that many).
    const whole = emptySignals();
    for (let i = 1; i <= 12; i++) noteResultCount(whole, 12, i);
    expect(warningsOf('ual-powershell-json', 12, whole)).toEqual([]);
    const capped = emptySignals();
    for (let i = 1; i <= 5000; i++) noteResultCount(capped, 5000, i);
    expect(warningsOf('ual-powershell-csv', 5_000, capped)).toEqual([]);
  });

  it('judges each search of a file that appends many (a windowed collection) by its own ResultCount', () => {
    const search = (s: ReturnType<typeof emptySignals>, found: number, rows: number) => {
      for (let i = 1; i <= rows; i++) noteResultCount(s, found, i);
    };
    /** Signals of searches appended one after another, each `[found, rows numbered 1..rows]`. */
    const appended = (...searches: [number, number][]) => {
      const s = emptySignals();
      for (const [found, rows] of searches) search(s, found, rows);
      return s;
    };
    // Windows of 800, 4,200 and 900 records, whole: 5,900 rows, nothing missing.
    expect(warningsOf('ual-powershell-csv', 5_900, appended([800, 800], [4200, 4200], [900, 900]))).toEqual([]);
    // A window that found 7,000 and returned the cmdlet's 5,000 hides behind the others' rows
    // when only the largest count is compared with all rows (12,000 > 7,000).
    expect(warningsOf('ual-powershell-csv', 12_000, appended([800, 800], [7000, 5000], [6200, 6200]))).toEqual([
      'holds the rows of 3 searches (told apart by ResultCount); one returned fewer rows than it found ' +
        '(7,000 found, 5,000 here): 2,000 records were not exported; split the date range of those searches',
    ]);
    // A window retried after a cut call, both appended: the retry delivered every number.
    expect(warningsOf('ual-powershell-csv', 8_000, appended([5000, 3000], [5000, 5000]))).toEqual([]);
    // A ReturnLargeSet session numbers its rows on across its calls; a duplicate of row 1 is no second search.
    const session = appended([50_000, 50_000]);
    noteResultCount(session, 50_000, 1);
    expect(warningsOf('ual-powershell-json', 50_001, session)).toEqual([]);
    // A session whose count changed between calls: the later rows continue the numbers.
    const drift = appended([5100, 5000]);
    for (let i = 5001; i <= 5100; i++) noteResultCount(drift, 5102, i);
    expect(warningsOf('ual-powershell-csv', 5_100, drift)).toEqual([]);
    // A session that found more than ReturnLargeSet returns.
    expect(warningsOf('ual-powershell-csv', 50_000, appended([73_000, 50_000]))).toEqual([
      'ResultCount says the search found 73,000 records but the file holds 50,000 of them: 23,000 were not exported',
    ]);
    // Rows read without a count (broken rows) may be the missing ones: no warning for them.
    expect(warningsOf('ual-powershell-csv', 10, appended([10, 8]))).toEqual([]);
  });

  it('bounds the memory a file of odd counts can take, and still counts its rows', () => {
    const s = emptySignals();
    for (let i = 0; i < 300; i++) noteResultCount(s, 900_000 + i, 1);
    expect(s.bitmapBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(s.bitmapBytes).toBeGreaterThan(15 * 1024 * 1024);
    expect([...s.searches.values()].filter((r) => r.seen === null)).toHaveLength(300 - Math.floor((16 * 1024 * 1024) / 112_500));
    // Unnumbered rows count as delivered rows: 300 searches, each short of almost all it found.
    expect(warningsOf('ual-powershell-csv', 300, s)[0]).toMatch(/^holds the rows of 300 searches/);
  });

  it('ignores ResultCount values that are not counts', () => {
    const s = emptySignals();
    for (const v of ['', 'n/a', '-5', '1.5', null, undefined, { n: 3 }, Number.NaN, 0]) noteResultCount(s, v, 1);
    expect(s.searches.size).toBe(0);
    expect(s.searchRows).toBe(0);
    noteResultCount(s, 40, 'x');
    noteResultCount(s, '5,000', '1');
    noteResultCount(s, '1 234', 2);
    expect([...s.searches].map(([c, r]) => [c, r.rows, r.distinct, r.unnumbered])).toEqual([
      [40, 1, 0, 1],
      [5000, 1, 1, 0],
      [1234, 1, 1, 0],
    ]);
  });

  it('flags a cmdlet output cut at one of its caps when no ResultCount tells more', () => {
    for (const [n, why] of [
      [5_000, '-ResultSize 5000'],
      [10_000, 'mixes ReturnLargeSet and ReturnNextPreviewPage'],
      [50_000, 'ReturnLargeSet session'],
    ] as const) {
      const [w] = warningsOf('ual-powershell-csv', n, emptySignals());
      expect(w).toContain(`holds exactly ${n.toLocaleString('en-US')} records`);
      expect(w).toContain(why);
    }
    expect(warningsOf('ual-powershell-csv', 4_999, emptySignals())).toEqual([]);
  });

  it('leaves a one-page file to the judgement of the whole import, and judges several pages itself', () => {
    const pages = (n: number, lastLinks: boolean) => {
      const s = emptySignals();
      for (let i = 1; i <= n; i++) notePage(s, i < n || lastLinks ? `${LINK}&$skiptoken=t${i}` : null);
      return s;
    };
    const pull = "https://graph.microsoft.com/v1.0/auditlogs/signins?$filter=userprincipalname eq 'ceo@contoso.com'";
    expect(judgeItem('graph-signins', 2, pages(1, true))).toEqual({ warnings: [], pageRole: 'linked', pull });
    expect(judgeItem('graph-signins', 2, pages(1, false))).toEqual({ warnings: [], pageRole: 'last', pull: null });
    expect(judgeItem('graph-signins', 6, pages(3, false))).toEqual({ warnings: [], pageRole: 'none', pull: null });
    expect(judgeItem('graph-signins', 6, pages(3, true))).toEqual({
      warnings: ['the last of its 3 pages carries @odata.nextLink: the service had more records; fetch the following pages'],
      pageRole: 'none',
      pull: null,
    });
    expect(judgeItem('ual-json', 6, emptySignals()).pageRole).toBe('none');
  });
});

describe('telling pulls apart by their links', () => {
  it('drops only where the next page starts', () => {
    const a = 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$top=999&$filter=createdDateTime%20ge%202026-01-01';
    expect(pullOf(`${a}&$skiptoken=abc`)).toBe(pullOf(`${a}&$skiptoken=def`));
    expect(pullOf(`${a}&$skiptoken=abc`)).toBe(pullOf(a));
    expect(pullOf('https://outlook.office.com/api/v2.0/me/Activities?$top=10&$skip=20')).toBe(
      pullOf('https://outlook.office.com/api/v2.0/me/Activities?$top=10&$skip=30'),
    );
    expect(pullOf(`${a}&$skiptoken=abc`)).not.toBe(pullOf(`${a.replace('2026-01-01', '2026-02-01')}&$skiptoken=abc`));
    expect(pullOf('https://graph.microsoft.com/v1.0/users/ceo@contoso.com/messages?$skiptoken=1')).not.toBe(
      pullOf('https://graph.microsoft.com/v1.0/users/cfo@contoso.com/messages?$skiptoken=1'),
    );
    // Relative links: the same pull whatever the paging token.
    expect(pullOf('users?$top=10&$skip=10')).toBe(pullOf('users?$top=10&$skip=20'));
    expect(pullOf('users?$top=10&$skip=10')).toBe('/users?$top=10');
    expect(pullOf('page?$skiptoken=1')).toBe('/page');
  });
});

describe('judging the pages of an import together', () => {
  const page = (path: string, linked: boolean, format = 'graph-signins', pull: string | null = linked ? 'pull-a' : null) => ({
    path,
    format,
    pageRole: linked ? ('linked' as const) : ('last' as const),
    pull,
  });
  const flagged = (files: Parameters<typeof pageSetWarnings>[0]) => [...pageSetWarnings(files).keys()];

  it('accepts pages saved one per file when one of them is the last', () => {
    const files = [
      page('/x/signIns/page-0001.json', true),
      page('/x/signIns/page-0002.json', true),
      page('/x/signIns/page-0003.json', false),
    ];
    expect(flagged(files)).toEqual([]);
  });

  it('flags every linked page of a set without a last page, and a lone linked page', () => {
    const w = pageSetWarnings([page('/x/a/page-1.json', true), page('/x/a/page-2.json', true), page('/x/b/one.json', true)]);
    expect([...w]).toEqual([
      [0, MORE_PAGES_WARNING],
      [1, MORE_PAGES_WARNING],
      [2, MORE_PAGES_WARNING],
    ]);
  });

  it('does not let a last page of another folder or format, or a file of several pages, close a set', () => {
    const files = [
      page('/x/a/page-1.json', true),
      page('/x/b/page-2.json', false),
      page('/x/a/audits.json', false, 'graph-directory-audits'),
      { path: '/x/a/pulled.jsonl', format: 'graph-signins', pageRole: 'none' as const, pull: null },
      page('C:\\exports\\a\\p1.json', true),
      page('C:\\exports\\a\\p2.json', false),
      page('/x/e.zip!signIns/p1.json', true),
      page('/x/e.zip!signIns/p2.json', false),
      // Pages at the root of one archive are not closed by another archive or the folder around it.
      page('/x/jan.zip!page-1.json', true),
      page('/x/feb.zip!page-1.json', false),
      page('/x/page-9.json', false),
    ];
    expect(flagged(files)).toEqual([0, 8]);
  });

  it('needs a last page for each pull in a folder, and flags the linked pages when there are fewer', () => {
    const two = [
      page('/x/p/ceo-1.json', true, 'graph-signins', 'pull-ceo'),
      page('/x/p/ceo-2.json', false),
      page('/x/p/cfo-1.json', true, 'graph-signins', 'pull-cfo'),
    ];
    expect([...pageSetWarnings(two)]).toEqual([
      [0, pullsWarning(2, 1)],
      [2, pullsWarning(2, 1)],
    ]);
    expect(pullsWarning(2, 1)).toMatch(/pages of 2 pulls .* but only one last page: at least one pull was cut off/);
    // The second pull's last page arrives: both complete.
    expect(flagged([...two, page('/x/p/cfo-2.json', false)])).toEqual([]);
    // Pages of one pull, whatever their number, need one last page.
    expect(flagged([page('/x/q/1.json', true), page('/x/q/2.json', true), page('/x/q/3.json', false)])).toEqual([]);
    // Pages judged before pulls were told apart may be of a known pull: they add none.
    expect(flagged([page('/x/r/1.json', true, 'graph-signins', null), page('/x/r/2.json', true), page('/x/r/3.json', false)])).toEqual([]);
  });
});
