/**
 * The append-only, hash-chained custody journal (forensic invariant 5).
 * `hash = SHA-256(prev ‖ canonical JSON of {seq, at_us, examiner, action, details})`, hex.
 */
import { createHash } from 'node:crypto';
import { GENESIS_HASH, type JournalEntry } from '../../shared/model/custody';
import type { Clock } from '../clock';
import type { Db } from '../store/database';
import { appendRow, countRows, lastRow, rememberExaminer, rowsAfter, type CustodyRow } from '../store/custody-repo';
import { canonicalJson } from './canonical';

/** The exact bytes hashed for an entry (after `prev`). */
export function entryPayload(row: Pick<CustodyRow, 'seq' | 'at_us' | 'examiner' | 'action'> & { details: unknown }): string {
  return canonicalJson({ seq: row.seq, at_us: row.at_us, examiner: row.examiner, action: row.action, details: row.details });
}

/** Computes an entry hash from the previous hash and the entry's fields. */
export function entryHash(prev: string, row: Pick<CustodyRow, 'seq' | 'at_us' | 'examiner' | 'action'> & { details: unknown }): string {
  return createHash('sha256').update(prev, 'utf8').update(entryPayload(row), 'utf8').digest('hex');
}

/** Converts a stored row to the public shape. */
export function toJournalEntry(row: CustodyRow): JournalEntry {
  return {
    seq: row.seq,
    atUs: row.at_us,
    examiner: row.examiner,
    action: row.action,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prev: row.prev,
    hash: row.hash,
  };
}

/** Appends entries for one case connection on behalf of one examiner. */
export class Journal {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly examiner: string,
  ) {}

  /**
   * Appends an entry. Call it inside the transaction that makes the state change it records, so
   * the change and its journal entry commit (or roll back) together.
   */
  append(action: string, details: Record<string, unknown>): JournalEntry {
    const write = (): JournalEntry => {
      const last = lastRow(this.db);
      const seq = (last?.seq ?? 0) + 1;
      const prev = last?.hash ?? GENESIS_HASH;
      const at_us = Math.max(this.clock(), last?.at_us ?? 0);
      const canonicalDetails = canonicalJson(details);
      const parsed = JSON.parse(canonicalDetails) as Record<string, unknown>;
      const hash = entryHash(prev, { seq, at_us, examiner: this.examiner, action, details: parsed });
      const row: CustodyRow = { seq, at_us, examiner: this.examiner, action, details: canonicalDetails, prev, hash };
      appendRow(this.db, row);
      rememberExaminer(this.db, this.examiner, at_us);
      return toJournalEntry(row);
    };
    return this.db.inTransaction ? write() : this.db.transaction(write).immediate();
  }

  /** The head of the chain: entry count and last hash. */
  head(): { entries: number; head: string } {
    const last = lastRow(this.db);
    return { entries: last ? countRows(this.db) : 0, head: last?.hash ?? GENESIS_HASH };
  }

  /** A page of entries after `afterSeq`. */
  list(afterSeq = 0, limit = 200): JournalEntry[] {
    return rowsAfter(this.db, afterSeq, limit).map(toJournalEntry);
  }
}
