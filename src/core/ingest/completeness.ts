/**
 * Whether an export holds everything its search or page said there was. Audit pulls are cut off
 * silently: the Purview portal exports at most 50,000 rows, `Search-UnifiedAuditLog` returns at
 * most 5,000 a call (50,000 a `ReturnLargeSet` session, 10,000 when a session mixes paging
 * commands), and a saved Graph or Activities page ends with `@odata.nextLink` when more pages
 * follow (reference §7.1, §7.2, §3). None of these is an error in the file, so nothing is
 * quarantined; the import reports a warning per file and journals it.
 */
import type { FormatId, PageRole } from '../../shared/model/ingest';

/** What a parser saw of an export's completeness while reading it. */
export interface CompletenessSignals {
  /**
   * `Search-UnifiedAuditLog` rows by their `ResultCount` (the size of the search a row came from):
   * files that append the calls of a windowed collection hold many searches, and each must hold
   * its own count of rows.
   */
  searches: Map<number, SearchRows>;
  /** Rows whose search is known (they carried a `ResultCount`). */
  searchRows: number;
  /** Bytes of the `ResultIndex` bitmaps of {@link searches} (bounded by {@link INDEX_BITMAP_BUDGET}). */
  bitmapBytes: number;
  /** Pages read (`{"value": […]}` objects: the document itself, or one per JSON Lines line). */
  pages: number;
  /** The `@odata.nextLink` of the last page read (the service had more to give), else null. */
  nextLink: string | null;
}

/** Signals of an export that has not been read yet. */
export function emptySignals(): CompletenessSignals {
  return { searches: new Map(), searchRows: 0, bitmapBytes: 0, pages: 0, nextLink: null };
}

/**
 * The rows of the searches that reported one `ResultCount`, by the `ResultIndex` each carried: a
 * search numbers its rows 1 to its count (on across the calls of a paged session), so the distinct
 * numbers are the rows it delivered, whatever duplicates or retried calls repeat.
 */
export interface SearchRows {
  rows: number;
  /**
   * One bit per `ResultIndex` seen (1 is bit 0); null above {@link INDEXED_COUNT_MAX} or once the
   * file's bitmaps reached {@link INDEX_BITMAP_BUDGET} (its rows are then counted, not numbered).
   */
  seen: Uint8Array | null;
  /** Distinct `ResultIndex` values seen. */
  distinct: number;
  /** Rows without a usable `ResultIndex` (taken as delivered). */
  unnumbered: number;
}

/**
 * Largest `ResultCount` whose rows are told apart by `ResultIndex` (a bitmap of 125 KB); the
 * cmdlet returns at most 50,000 a session, so larger counts only come from edited files.
 */
const INDEXED_COUNT_MAX = 1_000_000;

/**
 * Most bytes of bitmaps one file may hold: real exports need a few KB (a 50,000-row session takes
 * 6 KB), but a damaged or edited file could carry a different count on every row.
 */
const INDEX_BITMAP_BUDGET = 16 * 1024 * 1024;

/** Rows told apart by their `ResultIndex`. */
type NumberedRows = SearchRows & { seen: Uint8Array };

function isNumbered(r: SearchRows): r is NumberedRows {
  return r.seen !== null;
}

/** Marks `ResultIndex` `i` (1-based) as delivered for `r` (once, however often it is seen). */
function markIndex(r: NumberedRows, i: number): void {
  const bit = 1 << ((i - 1) & 7);
  const at = (i - 1) >> 3;
  if ((r.seen[at]! & bit) !== 0) return;
  r.seen[at]! |= bit;
  r.distinct++;
}

/** Whether `r` holds `ResultIndex` `i`. */
function hasIndex(r: NumberedRows, i: number): boolean {
  return (r.seen[(i - 1) >> 3]! & (1 << ((i - 1) & 7))) !== 0;
}

/** Counts `count` pages read, and the next page the last of them links to (null when it does not). */
export function notePage(s: CompletenessSignals, nextLink: string | null, count = 1): void {
  if (count <= 0) return;
  s.pages += count;
  s.nextLink = nextLink;
}

/**
 * A positive count from a number, or from text in a CSV (digit groups as a spreadsheet writes them,
 * `5,000` or `5 000`, included: a count has no fraction); null for anything else.
 */
function countOf(value: unknown): number | null {
  let n = NaN;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    const t = value.trim();
    if (/^\d+$/.test(t)) n = Number(t);
    else if (/^\d{1,3}([ ,.\u00a0\u202f]\d{3})+$/.test(t)) n = Number(t.replace(/\D/g, ''));
  }
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * Takes a row's `ResultCount` and `ResultIndex` (numbers, or text in a CSV) into `s`; a row without
 * a usable count is not attributed to a search.
 */
export function noteResultCount(s: CompletenessSignals, count: unknown, index?: unknown): void {
  const c = countOf(count);
  if (c === null) return;
  let search = s.searches.get(c);
  if (search === undefined) {
    const bytes = Math.ceil(c / 8);
    const numbered = c <= INDEXED_COUNT_MAX && s.bitmapBytes + bytes <= INDEX_BITMAP_BUDGET;
    if (numbered) s.bitmapBytes += bytes;
    search = { rows: 0, seen: numbered ? new Uint8Array(bytes) : null, distinct: 0, unnumbered: 0 };
    s.searches.set(c, search);
  }
  search.rows++;
  s.searchRows++;
  const i = countOf(index);
  if (!isNumbered(search) || i === null || i > c) search.unnumbered++;
  else markIndex(search, i);
}

/** A search (or the searches of one count) that delivered fewer rows than it found. */
interface ShortSearch {
  found: number;
  delivered: number;
}

/** Most short searches named in a warning (the largest gaps). */
const SHORT_SHOWN = 3;

/** Whether the rows of `r` include the one numbered 1 (every search starts there). */
function hasFirst(r: SearchRows): boolean {
  return isNumbered(r) && hasIndex(r, 1);
}

/**
 * Rows of a count without a row numbered 1 continue a search whose count changed between its calls:
 * their numbers join those of the nearest count that has a first row, so neither looks short.
 */
function mergeContinuations(searches: ReadonlyMap<number, SearchRows>): Map<number, SearchRows> {
  const merged = new Map([...searches].map(([c, r]) => [c, { ...r, seen: r.seen === null ? null : r.seen.slice() }]));
  const starts = [...merged].filter(([, r]) => hasFirst(r)).map(([c]) => c);
  if (starts.length === 0) return merged;
  for (const [c, r] of [...merged]) {
    if (hasFirst(r) || !isNumbered(r)) continue;
    const into = starts.reduce((a, b) => (Math.abs(b - c) < Math.abs(a - c) ? b : a));
    const target = merged.get(into)!;
    if (!isNumbered(target)) continue;
    for (let i = 1; i <= Math.min(c, into); i++) if (hasIndex(r, i)) markIndex(target, i);
    target.rows += r.rows;
    target.unnumbered += r.unnumbered;
    merged.delete(c);
  }
  return merged;
}

/**
 * What the searches of a file did not deliver: for each `ResultCount`, that count less the
 * distinct rows numbered for it (rows without a number count as delivered). Rows read that carried
 * no count (broken rows) are given the benefit of the doubt. Two searches that found the same
 * number share their numbers, so a whole one hides a cut one.
 */
function searchShortfall(read: number, s: CompletenessSignals): { searches: number; missing: number; short: ShortSearch[] } {
  const searches = mergeContinuations(s.searches);
  const short: ShortSearch[] = [];
  let missing = 0;
  for (const [found, r] of searches) {
    const delivered = Math.min(found, r.seen === null ? r.rows : r.distinct + r.unnumbered);
    if (delivered < found) {
      short.push({ found, delivered });
      missing += found - delivered;
    }
  }
  short.sort((a, b) => b.found - b.delivered - (a.found - a.delivered));
  return { searches: searches.size, missing: Math.max(0, missing - (read - s.searchRows)), short };
}

/** Row counts at which the Purview portal's CSV export stops (50,000 documented; 100,000 reported with Premium). */
const PURVIEW_EXPORT_LIMITS = [50_000, 100_000];

/** Row counts at which `Search-UnifiedAuditLog` output stops, and why. */
const POWERSHELL_LIMITS = new Map<number, string>([
  [5_000, 'the most one Search-UnifiedAuditLog call returns (-ResultSize 5000)'],
  [10_000, 'the most a session that mixes ReturnLargeSet and ReturnNextPreviewPage returns'],
  [50_000, 'the most a ReturnLargeSet session returns'],
]);

const POWERSHELL_FORMATS = new Set<FormatId>(['ual-powershell-csv', 'ual-powershell-json']);

/**
 * Row counts at which an Entra admin center sign-in download stops: 250,000 entries (5,000 before
 * 2019), past which Microsoft points to the Graph API (reference §7.3; Microsoft's Japanese
 * identity support blog, 2019). The download is an array with no count of its own, so a file at
 * one of them is the only sign.
 */
const ENTRA_DOWNLOAD_LIMITS = new Map<number, string>([
  [250_000, 'the most the Entra admin center downloads'],
  [5_000, 'the most the Entra admin center downloaded before 2019'],
]);

const ENTRA_DOWNLOAD_FORMATS = new Set<FormatId>(['entra-signin-csv', 'entra-signin-json']);

/** How a file of one page is judged with the other files of the import ({@link pageSetWarnings}). */
export interface PageJudgement {
  pageRole: PageRole;
  /** For a `linked` page: which pull it belongs to ({@link pullOf} its link); otherwise null. */
  pull: string | null;
}

/** What an item's completeness came to. */
export interface ItemCompleteness extends PageJudgement {
  /** What the item shows on its own: a row count at a limit, a search short of its `ResultCount`, a cut run of pages. */
  warnings: string[];
}

/**
 * Judges one export of `format` from which `read` records were read (quarantined ones included:
 * they were rows of the export).
 */
export function judgeItem(format: FormatId, read: number, s: CompletenessSignals): ItemCompleteness {
  const warnings: string[] = [];
  const count = read.toLocaleString('en-US');
  if (format === 'purview-csv' && PURVIEW_EXPORT_LIMITS.includes(read)) {
    warnings.push(
      `holds exactly ${count} records, the Purview export limit: the search probably had more; split its date range and export again`,
    );
  }
  if (POWERSHELL_FORMATS.has(format)) {
    const { searches, missing, short } = searchShortfall(read, s);
    const n = (x: number): string => x.toLocaleString('en-US');
    if (missing > 0 && searches === 1) {
      const found = short[0]!.found;
      warnings.push(
        `ResultCount says the search found ${n(found)} records but the file holds ${n(found - missing)} of them: ${n(missing)} were not exported`,
      );
    } else if (missing > 0) {
      const gaps = short
        .slice(0, SHORT_SHOWN)
        .map((g) => `${n(g.found)} found, ${n(g.delivered)} here`)
        .join('; ');
      warnings.push(
        `holds the rows of ${n(searches)} searches (told apart by ResultCount); ` +
          `${short.length === 1 ? 'one returned fewer rows than it found' : `${n(short.length)} returned fewer rows than they found`} (${gaps}${short.length > SHORT_SHOWN ? '; …' : ''}): ` +
          `${n(missing)} records were not exported; split the date range of those searches`,
      );
    } else if (s.searches.size === 0) {
      // Without a count (columns dropped before saving), a row count at a cap is the only sign.
      const limit = POWERSHELL_LIMITS.get(read);
      if (limit) warnings.push(`holds exactly ${count} records, ${limit}: the search probably had more; split its date range`);
    }
  }
  const entraLimit = ENTRA_DOWNLOAD_FORMATS.has(format) ? ENTRA_DOWNLOAD_LIMITS.get(read) : undefined;
  if (entraLimit) {
    warnings.push(
      `holds exactly ${count} sign-ins, ${entraLimit}: the download probably stopped there; narrow its date range or read the sign-ins through Graph`,
    );
  }
  // Several pages in one file are one pull: its last page decides, whatever the files beside it hold.
  if (s.pages > 1 && s.nextLink !== null) {
    warnings.push(`the last of its ${s.pages} pages carries @odata.nextLink: the service had more records; fetch the following pages`);
  }
  const pageRole: PageRole = s.pages !== 1 ? 'none' : s.nextLink !== null ? 'linked' : 'last';
  return { warnings, pageRole, pull: pageRole === 'linked' ? pullOf(s.nextLink!) : null };
}

/**
 * Query parameters that only say where in a result the next page starts (Graph `$skiptoken`, the
 * Activities API's `$skip`, …): a pull's links differ in them from page to page and in nothing else.
 */
const PAGING_PARAMS = new Set(['skiptoken', 'skip', 'deltatoken', 'pagetoken', 'nextpage', 'cursor', 'continuationtoken']);

/**
 * What a page's `@odata.nextLink` asks for, without where the next page starts: the same for every
 * page of one pull (one query), different between pulls of different users, filters or time ranges.
 */
export function pullOf(link: string): string {
  // Relative links (`users?$skip=10`) resolve against a placeholder base and lose it again.
  const base = 'https://relative.invalid';
  let url: URL;
  try {
    url = new URL(link, `${base}/`);
  } catch {
    return link.toLowerCase();
  }
  const kept = [...url.searchParams].filter(([k]) => !PAGING_PARAMS.has(k.replace(/^\$/, '').toLowerCase()));
  const query = kept.map(([k, v]) => `${k}=${v}`).join('&');
  const origin = url.origin === base ? '' : url.origin;
  return `${origin}${url.pathname}${query ? `?${query}` : ''}`.toLowerCase();
}

/** The warning of a one-page file whose `@odata.nextLink` no file of the import answers. */
export const MORE_PAGES_WARNING =
  'the page carries @odata.nextLink and no page of the same format beside it is the last: the service had more records; fetch the following pages';

/** An imported file as {@link pageSetWarnings} sees it (`pull` null also when not journaled: older imports). */
export interface PageFile extends PageJudgement {
  /** Path as reported (archive members: `archive.zip!folder/member`). */
  path: string;
  format: string;
}

/** The warning of the linked pages of a folder holding more pulls than last pages. */
export function pullsWarning(pulls: number, lastPages: number): string {
  return (
    `the page carries @odata.nextLink, and its folder holds pages of ${pulls} pulls (their links ask for different records) ` +
    `but ${lastPages === 1 ? 'only one last page' : `only ${lastPages} last pages`}: at least one pull was cut off; fetch the following pages of each`
  );
}

/** The folder a file is in; for an archive member (`a.zip!d/p.json`), its folder inside that archive. */
function folderOf(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const bang = path.lastIndexOf('!');
  return bang > slash ? path.slice(0, bang + 1) : path.slice(0, Math.max(slash, 0));
}

interface PageSet {
  lastPages: number;
  pulls: Set<string>;
  unknownPull: boolean;
  linked: number[];
}

/**
 * Which one-page files hold pages whose continuation is missing, and the warning for each. Pages
 * are often saved one per file (`page-0001.json`, …): every page but the last carries
 * `@odata.nextLink`, so a link alone says nothing. A set of such files (same folder, same format)
 * needs a page without a link for each pull its links belong to ({@link pullOf}): with none, each
 * linked page gets {@link MORE_PAGES_WARNING}; with fewer than its pulls, each gets
 * {@link pullsWarning} (which pull is short cannot be told: a last page does not say whose it
 * is). A pull saved whole in one page has no link, so beside a cut pull it still hides it.
 * @returns the index in `files` of each page to flag, with its warning.
 */
export function pageSetWarnings(files: readonly PageFile[]): Map<number, string> {
  const sets = new Map<string, PageSet>();
  files.forEach((f, i) => {
    if (f.pageRole === 'none') return;
    const key = `${f.format}\u0000${folderOf(f.path)}`;
    let set = sets.get(key);
    if (set === undefined) sets.set(key, (set = { lastPages: 0, pulls: new Set(), unknownPull: false, linked: [] }));
    if (f.pageRole === 'last') set.lastPages++;
    else {
      set.linked.push(i);
      if (f.pull === null) set.unknownPull = true;
      else set.pulls.add(f.pull);
    }
  });
  const out = new Map<number, string>();
  for (const set of sets.values()) {
    // A page whose pull is unknown (judged before pulls were told apart) may belong to a known one.
    const pulls = set.pulls.size > 0 ? set.pulls.size : set.unknownPull ? 1 : 0;
    const warning = set.lastPages === 0 ? MORE_PAGES_WARNING : pulls > set.lastPages ? pullsWarning(pulls, set.lastPages) : null;
    if (warning !== null) for (const i of set.linked) out.set(i, warning);
  }
  return out;
}
