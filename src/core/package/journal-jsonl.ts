/**
 * The custody journal as JSON Lines: one stored entry per line, exactly the fields that are hashed
 * plus `prev` and `hash`, so anyone can recompute the chain without the case passphrase:
 * `hash = SHA-256(prev ‖ canonical JSON of {seq, at_us, examiner, action, details})`.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GENESIS_HASH } from '../../shared/model/custody';
import { canonicalJson } from '../custody/canonical';
import { entryHash } from '../custody/journal';
import type { Db } from '../store/database';
import { iterateRows } from '../store/custody-repo';

/** Yields the journal of `db` as JSONL lines (each ending in `\n`), in `seq` order. */
export function* journalJsonlLines(db: Db): Generator<string> {
  for (const row of iterateRows(db)) {
    const details = JSON.parse(row.details) as unknown;
    yield `${canonicalJson({ seq: row.seq, at_us: row.at_us, examiner: row.examiner, action: row.action, details, prev: row.prev, hash: row.hash })}\n`;
  }
}

/** The outcome of re-checking a JSONL journal. */
export interface JsonlJournalCheck {
  entries: number;
  /** Hash of the last good entry. */
  head: string;
  /** The last good entry. */
  last: JsonlEntry | null;
  /** The first entry, usually `case.create`. */
  first: JsonlEntry | null;
  /** The first problem, naming the line and entry. */
  problem: string | null;
}

/** One parsed JSONL line. */
export interface JsonlEntry {
  seq: number;
  at_us: number;
  examiner: string;
  action: string;
  details: Record<string, unknown>;
  prev: string;
  hash: string;
}

function asEntry(value: unknown): JsonlEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const ok =
    Number.isSafeInteger(v['seq']) &&
    Number.isSafeInteger(v['at_us']) &&
    typeof v['examiner'] === 'string' &&
    typeof v['action'] === 'string' &&
    typeof v['details'] === 'object' &&
    v['details'] !== null &&
    typeof v['prev'] === 'string' &&
    typeof v['hash'] === 'string';
  return ok ? (v as unknown as JsonlEntry) : null;
}

/**
 * Recomputes the chain of a JSONL journal read from `stream`. Reports the first bad line but keeps
 * reading to the end, so the stream can be hashed by whoever tees it.
 */
export async function checkJournalJsonl(stream: Readable): Promise<JsonlJournalCheck> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let prev = GENESIS_HASH;
  let entries = 0;
  let lineNo = 0;
  let first: JsonlEntry | null = null;
  let last: JsonlEntry | null = null;
  let problem: string | null = null;
  const check = (line: string): string | null => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return 'not valid JSON';
    }
    const entry = asEntry(parsed);
    if (!entry) return 'not a journal entry';
    if (entry.seq !== entries + 1) return `entry ${entry.seq}: expected entry ${entries + 1} here (entries missing or reordered)`;
    if (entry.prev !== prev) return `entry ${entry.seq}: prev does not match the hash of the entry before it`;
    if (entryHash(prev, entry) !== entry.hash) return `entry ${entry.seq}: hash does not match its contents`;
    prev = entry.hash;
    entries++;
    first ??= entry;
    last = entry;
    return null;
  };
  for await (const line of lines) {
    lineNo++;
    if (problem !== null || line === '') continue;
    const reason = check(line);
    if (reason) problem = `line ${lineNo}: ${reason}`;
  }
  return { entries, head: prev, first, last, problem };
}
