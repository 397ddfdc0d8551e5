/**
 * Offline import: the input formats Mailtrail reads, and what an import reports. The parsers live
 * in `core/ingest/<format>`; the normalizers (one per source family) in `core/normalize`.
 */
import type { EventSource } from './event';
import type { EvidenceItem, EvidenceOrigin } from './evidence';

/** Every input format, auto-detected unless given (`--format`, `import:start { format }`). */
export const FORMAT_IDS = [
  /** Purview portal audit search export (new and classic column layouts). */
  'purview-csv',
  /** `Search-UnifiedAuditLog | Export-Csv`. */
  'ual-powershell-csv',
  /** `Search-UnifiedAuditLog | ConvertTo-Json`. */
  'ual-powershell-json',
  /** Raw audit records: Management API content blobs, JSON Lines, pretty arrays, Sentinel OfficeActivity rows. */
  'ual-json',
  /** Graph audit log query records (`auditLogRecord`), pages or arrays. */
  'graph-audit-records',
  /** Graph `auditLogs/signIns`, pages or arrays. */
  'graph-signins',
  /** Graph `auditLogs/directoryAudits`, pages or arrays. */
  'graph-directory-audits',
  /** Entra admin center sign-in download, CSV. */
  'entra-signin-csv',
  /** Entra admin center sign-in download, JSON. */
  'entra-signin-json',
  /** Azure Monitor diagnostic settings (Event Hub / storage / Log Analytics) Entra records. */
  'azure-monitor-entra',
  /** Outlook REST v2.0 Activities API JSON (`value` of activities). */
  'activities-json',
  /** CrowdStrike `retriever.py` Activities CSV. */
  'activities-csv',
  /** Graph `messageRules` of a mailbox. */
  'graph-message-rules',
  /** Graph `mailboxSettings` of a mailbox. */
  'graph-mailbox-settings',
  /** Graph `oauth2PermissionGrants`. */
  'graph-oauth2-grants',
  /** `Get-InboxRule | ConvertTo-Json`. */
  'inbox-rules-powershell',
  /** Sentinel / Log Analytics OfficeActivity query results saved as CSV (any subset of columns). */
  'office-activity-csv',
] as const;
export type FormatId = (typeof FORMAT_IDS)[number];

/** True when `id` names a format. */
export function isFormatId(id: unknown): id is FormatId {
  return typeof id === 'string' && (FORMAT_IDS as readonly string[]).includes(id);
}

/** A format as listed to the examiner (`import:formats`, `docs/formats.md`). */
export interface FormatInfo {
  id: FormatId;
  label: string;
  description: string;
  /** Source family its records are normalized as. */
  family: EventSource;
  /** Usual file name endings, for file pickers. */
  extensions: string[];
}

/** What ingesting one stored evidence item produced. `read = imported + duplicates + quarantined`. */
export interface IngestSummary {
  evidenceId: number;
  format: FormatId;
  read: number;
  imported: number;
  duplicates: number;
  quarantined: number;
  /**
   * Of the duplicates, those whose copy was fuller than the one the case held (a copy PowerShell had
   * cut at its serialisation depth, a flattened portal CSV) and took its place; the replaced copy
   * stays linked as a sighting.
   */
  upgraded: number;
  /** Time (µs, UTC) of the earliest record read that became an event or a duplicate; null when none did. */
  firstUs: number | null;
  /** Time (µs, UTC) of the latest such record. */
  lastUs: number | null;
  /**
   * Signs that the export is incomplete on its own (a row count at a portal or cmdlet limit, a
   * `ResultCount` above the rows read); journaled with the item.
   */
  warnings: string[];
  /**
   * For a file of one page: whether it links to a next one. Whether that is missing data depends on
   * the other files of the import (pages saved one per file all link on but the last).
   */
  pageRole: PageRole;
  /**
   * For a `linked` page: what its link asks for without the paging token, the same for every page of
   * one pull (journaled as `page_pull`); null otherwise.
   */
  pull: string | null;
}

/**
 * A stored item as one of a run of pages: `linked` is a single page with `@odata.nextLink`, `last`
 * a single page without; `none` is anything else (no pages, or several in one file).
 */
export type PageRole = 'none' | 'last' | 'linked';

/** One input file (or archive member) of an import. */
export interface ImportFileResult {
  /** The absolute path, whatever was typed (archive members: `archive.zip!member/path`). */
  path: string;
  /** Detected or given format; `null` when it could not be determined. */
  format: FormatId | null;
  /** SHA-256 of the stored bytes (the file as it is on disk), `''` when it could not be read. */
  sha256: string;
  bytes: number;
  read: number;
  imported: number;
  duplicates: number;
  quarantined: number;
  /** Of the duplicates, those that replaced a poorer stored copy ({@link IngestSummary.upgraded}); absent when none did. */
  upgraded?: number;
  /** Earliest and latest record time (µs, UTC) of the file ({@link IngestSummary.firstUs}); null when it holds none. */
  firstUs: number | null;
  lastUs: number | null;
  /** The evidence item holding the bytes, when stored. */
  evidenceId: number | null;
  /** Why the file could not be imported (the others still were). */
  error?: string;
  /**
   * Stored but holding no events, and why: reference data such as a Graph folder list, or an
   * archive (`.zip`, `.gz`, `.tar`) whose members are the rows after it.
   */
  note?: string;
  /**
   * Set on an archive's own row (also when it could not be opened): its members are the rows after
   * it and are what the totals count as files.
   */
  archive?: 'zip' | 'gzip' | 'tar';
  /**
   * Not stored and not read, and why: operating-system metadata met while walking a folder or an
   * archive (`.DS_Store`, `Thumbs.db`, a Mac zip's `__MACOSX/` copies), the case file itself, or
   * another name (a link) of a file or folder this import already read. Counted apart from files.
   */
  skipped?: string;
  /**
   * Signs that the export is incomplete ({@link IngestSummary.warnings}, and pages whose
   * continuation no file of the import holds); absent when there are none.
   */
  warnings?: string[];
}

/** What an import of several paths produced; totals are sums over the files. */
export interface ImportReport {
  files: ImportFileResult[];
  read: number;
  imported: number;
  duplicates: number;
  quarantined: number;
  /** Of the duplicates, those that replaced a poorer stored copy; absent when none did. */
  upgraded?: number;
  /**
   * About the import as a whole, when its last steps could not finish (the disk holding the case
   * filled while the indexes were rebuilt, or a journal entry could not be written); absent when
   * there are none.
   */
  warnings?: string[];
}

/** How many rows of an import report are input files, archives holding them, and failures. */
export interface ImportFileCounts {
  /** Files read as such (archive members included, the archives themselves not). */
  files: number;
  /** Archives (`.zip`, `.gz`, `.tar`), whose members are other rows. */
  archives: number;
  /** Rows with an error, archives that could not be opened included. */
  failed: number;
  /** Operating-system metadata passed over ({@link ImportFileResult.skipped}). */
  skipped: number;
}

/**
 * Counts the rows of an import report so that a zip of three exports reads as three files and one
 * archive, not four files: the archive's own row holds no records.
 */
export function importFileCounts(files: readonly ImportFileResult[]): ImportFileCounts {
  let archives = 0;
  let failed = 0;
  let skipped = 0;
  for (const f of files) {
    if (f.error !== undefined) failed++;
    if (f.archive !== undefined) archives++;
    if (f.skipped !== undefined) skipped++;
  }
  return { files: files.length - archives - skipped, archives, failed, skipped };
}

/**
 * `3 files + 1 archive (1 failed), 2 skipped`: the counts of {@link importFileCounts} in words,
 * numbers written by `num` (the app's locale formatting; plain digits by default).
 */
export function describeImportFiles(c: ImportFileCounts, failedWord = 'failed', num: (k: number) => string = String): string {
  const plural = (k: number, word: string) => `${num(k)} ${word}${k === 1 ? '' : 's'}`;
  return `${plural(c.files, 'file')}${c.archives ? ` + ${plural(c.archives, 'archive')}` : ''}${c.failed ? ` (${num(c.failed)} ${failedWord})` : ''}${c.skipped ? `, ${num(c.skipped)} skipped` : ''}`;
}

/** A quarantined record. */
export interface QuarantineItem {
  id: number;
  evidenceId: number;
  /** 0-based position of the record in its evidence item. */
  recordIndex: number;
  /** Human location, e.g. `line 12`, `record 5 (line 40)`. */
  location: string;
  reason: string;
  /** The record's text as read (may be truncated for huge records), `null` when unreadable. */
  raw: string | null;
}

/**
 * An evidence item as listed (`evidence:list`), with every further acquisition of the same bytes
 * and the warnings its imports journaled about its completeness.
 */
export interface EvidenceListEntry extends EvidenceItem {
  sightings: { origin: EvidenceOrigin; acquiredAtUs: number; custodySeq: number }[];
  /** {@link ImportFileResult.warnings} of every import of the item, each text once. */
  warnings: string[];
}
