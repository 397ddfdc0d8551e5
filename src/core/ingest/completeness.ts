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
   * The largest `ResultCount` of `Search-UnifiedAuditLog` rows: the size of the search a row came
   * from. Several searches in one file each count at most their own rows, so a largest count above
   * the rows read still means rows are missing.
   */
  resultCount: number | null;
  /** Pages read (`{"value": […]}` objects: the document itself, or one per JSON Lines line). */
  pages: number;
  /** The last page read carried `@odata.nextLink` (the service had more to give). */
  nextLink: boolean;
}

/** Signals of an export that has not been read yet. */
export function emptySignals(): CompletenessSignals {
  return { resultCount: null, pages: 0, nextLink: false };
}

/** Counts a page read, and whether it links to a next one. */
export function notePage(s: CompletenessSignals, nextLink: boolean): void {
  s.pages++;
  s.nextLink = nextLink;
}

/** Takes a row's `ResultCount` (a number, or text in a CSV) into `s`; other values are ignored. */
export function noteResultCount(s: CompletenessSignals, value: unknown): void {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(n) && n > 0 && (s.resultCount === null || n > s.resultCount)) s.resultCount = n;
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

/** What an item's completeness came to. */
export interface ItemCompleteness {
  /** What the item shows on its own: a row count at a limit, a `ResultCount` above the rows read, a cut run of pages. */
  warnings: string[];
  /** A file of one page is judged with the other files of the import ({@link pageSetWarnings}). */
  pageRole: PageRole;
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
    if (s.resultCount !== null && s.resultCount > read) {
      warnings.push(
        `ResultCount says the search found ${s.resultCount.toLocaleString('en-US')} records but the file holds ${count}: ` +
          `${(s.resultCount - read).toLocaleString('en-US')} were not exported`,
      );
    } else if (s.resultCount === null) {
      // Without a count (columns dropped before saving), a row count at a cap is the only sign.
      const limit = POWERSHELL_LIMITS.get(read);
      if (limit) warnings.push(`holds exactly ${count} records, ${limit}: the search probably had more; split its date range`);
    }
  }
  // Several pages in one file are one pull: its last page decides, whatever the files beside it hold.
  if (s.pages > 1 && s.nextLink) {
    warnings.push(`the last of its ${s.pages} pages carries @odata.nextLink: the service had more records; fetch the following pages`);
  }
  return { warnings, pageRole: s.pages !== 1 ? 'none' : s.nextLink ? 'linked' : 'last' };
}

/** The warning of a one-page file whose `@odata.nextLink` no file of the import answers. */
export const MORE_PAGES_WARNING =
  'the page carries @odata.nextLink and no page of the same format beside it is the last: the service had more records; fetch the following pages';

/** An imported file as {@link pageSetWarnings} sees it. */
export interface PageFile {
  /** Path as reported (archive members: `archive.zip!folder/member`). */
  path: string;
  format: string;
  pageRole: PageRole;
}

/** The folder a file is in; for an archive member (`a.zip!d/p.json`), its folder inside that archive. */
function folderOf(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const bang = path.lastIndexOf('!');
  return bang > slash ? path.slice(0, bang + 1) : path.slice(0, Math.max(slash, 0));
}

/**
 * Which one-page files hold pages whose continuation is missing. Pages are often saved one per
 * file (`page-0001.json`, …): every page but the last carries `@odata.nextLink`, so a link alone
 * says nothing. A set of such files (same folder, same format) is complete when one of them is a
 * page without a link; otherwise each linked one is flagged. Two pulls saved in one folder count
 * as one set, so a complete pull beside a cut one hides the cut one.
 * @returns the indexes in `files` to flag.
 */
export function pageSetWarnings(files: readonly PageFile[]): number[] {
  const set = (f: PageFile): string => `${f.format}\u0000${folderOf(f.path)}`;
  const ended = new Set(files.filter((f) => f.pageRole === 'last').map(set));
  const out: number[] = [];
  files.forEach((f, i) => {
    if (f.pageRole === 'linked' && !ended.has(set(f))) out.push(i);
  });
  return out;
}
