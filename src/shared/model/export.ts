/** What the report, export and package channels return: the file written and its SHA-256. */

/** A file Mailtrail wrote (and journaled with this SHA-256). */
export interface WrittenFile {
  /** Absolute path. */
  path: string;
  bytes: number;
  /** SHA-256 of the file, hex. */
  sha256: string;
}

/** Event export formats. */
export const EXPORT_FORMATS = ['csv', 'jsonl', 'timesketch', 'stix'] as const;
/** An event export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Result of `report:export`. */
export interface ReportExport extends WrittenFile {
  pages: number;
  /** The journal entry the report describes (its "generated at"). */
  head: { seq: number; hash: string };
  timeZone: string;
}

/** Result of `export:events`. */
export interface EventsExport extends WrittenFile {
  format: ExportFormat;
  /** Events written (for `stix`: the tagged events the indicators come from). */
  events: number;
  /** STIX indicators (for `stix`), otherwise null. */
  indicators: number | null;
}

/** Result of `package:export`. */
export interface PackageExport extends WrittenFile {
  /** SHA-256 of `manifest.json` inside the package. */
  manifestSha256: string;
  /** The journal head sealed in the package (the `package.create` entry). */
  journal: { entries: number; head: string; headSeq: number };
  members: { name: string; role: 'case' | 'journal' | 'report'; bytes: number; sha256: string }[];
  /** Fingerprint of the signing key, when signed. */
  signature: { keyFingerprint: string } | null;
}

/** Result of `package:verify` (and `mailtrail verify FILE.mtpkg --json`). */
export interface PackageVerification {
  ok: boolean;
  file: string;
  manifest: {
    tool: string;
    createdAt: string;
    createdBy: string;
    case: { id: string; name: string; number: string | null; examiner: string };
    journal: { entries: number; head: string };
  } | null;
  members: { name: string; ok: boolean; expected: { bytes: number; sha256: string }; actual: { bytes: number; sha256: string } | null }[];
  signature: { present: boolean; valid: boolean; keyFingerprint: string | null; trusted: boolean };
  journal: { ok: boolean; entries: number; head: string } | null;
  case: { ok: boolean; entries: number; head: string; evidenceItems: number; evidenceBytes: number; report: string } | null;
  /** Every problem, each naming the member or field at fault. */
  problems: string[];
}
