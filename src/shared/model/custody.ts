/** One row of the append-only, hash-chained custody journal. */
export interface JournalEntry {
  seq: number;
  atUs: number;
  examiner: string;
  /** Dotted verb, e.g. `case.create`, `evidence.add`, `import.file`, `event.tag`. */
  action: string;
  details: Record<string, unknown>;
  /** Hash of the previous entry (64 zeros for the first). */
  prev: string;
  /** `SHA-256(prev ‖ RFC 8785 canonical JSON of {seq, at_us, examiner, action, details})`, hex. */
  hash: string;
}

/** The hash that precedes the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** One thing found wrong while verifying a case. */
export interface VerifyProblem {
  kind: 'journal' | 'evidence' | 'schema';
  /** Journal sequence number of the first bad entry, when `kind` is `journal`. */
  seq?: number;
  /** Evidence item id, when `kind` is `evidence`. */
  evidenceId?: number;
  reason: string;
}

/** The outcome of a whole-case verification. */
export interface VerifyResult {
  ok: boolean;
  /** Journal entries checked. */
  entries: number;
  /** Hash of the last verified entry. */
  head: string;
  /** Evidence items re-hashed. */
  evidenceItems: number;
  /** Evidence bytes re-hashed. */
  evidenceBytes: number;
  problems: VerifyProblem[];
}
