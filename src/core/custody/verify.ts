/**
 * Whole-case verification: recomputes the journal's hash chain and re-hashes every evidence item,
 * cross-checking each item against the journal entry that recorded its acquisition. Reports the
 * first bad journal entry and every bad evidence item.
 */
import { createHash } from 'node:crypto';
import { GENESIS_HASH, type VerifyProblem, type VerifyResult } from '../../shared/model/custody';
import type { Db } from '../store/database';
import { iterateRows, rowBySeq } from '../store/custody-repo';
import { chunkAt, sealedItems, type EvidenceRow } from '../store/evidence-repo';
import { decodeChunk } from '../evidence/codec';
import { canonicalJson } from './canonical';
import { entryHash } from './journal';

/** Options for {@link verifyCase}. */
export interface VerifyOptions {
  signal?: AbortSignal | undefined;
  /** Called as evidence bytes are re-hashed. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Result of checking the journal chain alone. */
export interface JournalCheck {
  entries: number;
  head: string;
  problem: VerifyProblem | null;
}

/** Recomputes the chain; stops at the first bad entry. */
export function verifyJournal(db: Db): JournalCheck {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let entries = 0;
  for (const row of iterateRows(db)) {
    const fail = (reason: string): JournalCheck => ({
      entries,
      head: prev,
      problem: { kind: 'journal', seq: row.seq, reason: `journal entry ${row.seq}: ${reason}` },
    });
    if (row.seq !== expectedSeq) return fail(`expected entry ${expectedSeq} here (entries missing or reordered)`);
    if (row.prev !== prev) return fail('prev does not match the hash of the entry before it');
    let details: unknown;
    try {
      details = JSON.parse(row.details);
    } catch {
      return fail('details are not valid JSON');
    }
    if (canonicalJson(details) !== row.details) return fail('details are not in canonical form');
    if (entryHash(prev, { ...row, details }) !== row.hash) return fail('hash does not match its contents');
    prev = row.hash;
    entries++;
    expectedSeq++;
  }
  return { entries, head: prev, problem: null };
}

function checkAcquisitionEntry(db: Db, item: EvidenceRow): string | null {
  if (item.custody_seq == null) return 'no journal entry recorded its acquisition';
  const row = rowBySeq(db, item.custody_seq);
  if (!row || row.action !== 'evidence.add') return `journal entry ${item.custody_seq} that should record it is missing`;
  const details = JSON.parse(row.details) as { evidence_id?: number; sha256?: string; bytes?: number };
  if (details.evidence_id !== item.id || details.sha256 !== item.sha256 || details.bytes !== item.bytes) {
    return `does not match its acquisition record (journal entry ${item.custody_seq})`;
  }
  return null;
}

function hashItem(
  db: Db,
  item: EvidenceRow,
  onBytes: (n: number) => void,
  signal?: AbortSignal,
): { sha256: string; bytes: number; chunks: number } {
  const hash = createHash('sha256');
  let bytes = 0;
  let seq = 0;
  for (;;) {
    if (signal?.aborted) throw new Error('verification cancelled');
    const stored = chunkAt(db, item.id, seq);
    if (!stored) break;
    let data: Buffer;
    try {
      data = decodeChunk(item.codec, stored);
    } catch {
      // A corrupted compressed chunk cannot be decoded: count it as unreadable bytes.
      data = Buffer.alloc(0);
    }
    hash.update(data);
    bytes += data.byteLength;
    onBytes(data.byteLength);
    seq++;
  }
  return { sha256: hash.digest('hex'), bytes, chunks: seq };
}

/** Verifies one evidence item against its stored hash and its journal entry. */
export function verifyEvidenceItem(
  db: Db,
  item: EvidenceRow,
  onBytes: (n: number) => void = () => {},
  signal?: AbortSignal,
): VerifyProblem | null {
  const mismatch = checkAcquisitionEntry(db, item);
  if (mismatch) return { kind: 'evidence', evidenceId: item.id, reason: `evidence item ${item.id}: ${mismatch}` };
  const actual = hashItem(db, item, onBytes, signal);
  if (actual.bytes !== item.bytes) {
    return {
      kind: 'evidence',
      evidenceId: item.id,
      reason: `evidence item ${item.id}: ${actual.bytes} bytes stored, ${item.bytes} recorded`,
    };
  }
  if (actual.sha256 !== item.sha256) {
    return {
      kind: 'evidence',
      evidenceId: item.id,
      reason: `evidence item ${item.id}: SHA-256 of stored bytes does not match (${actual.sha256})`,
    };
  }
  return null;
}

/** Verifies the journal chain and every evidence item. Pure reading: writes nothing. */
export function verifyCase(db: Db, options: VerifyOptions = {}): VerifyResult {
  const journal = verifyJournal(db);
  const problems: VerifyProblem[] = journal.problem ? [journal.problem] : [];
  const items = sealedItems(db);
  const totalBytes = items.reduce((sum, i) => sum + i.bytes, 0);
  let done = 0;
  let lastReport = 0;
  const onBytes = (n: number): void => {
    done += n;
    if (done - lastReport >= 16 * 1024 * 1024 || done === totalBytes) {
      lastReport = done;
      options.onProgress?.(done, totalBytes);
    }
  };
  for (const item of items) {
    const problem = verifyEvidenceItem(db, item, onBytes, options.signal);
    if (problem) problems.push(problem);
  }
  options.onProgress?.(done, totalBytes);
  return {
    ok: problems.length === 0,
    entries: journal.entries,
    head: journal.head,
    evidenceItems: items.length,
    evidenceBytes: done,
    problems,
  };
}
