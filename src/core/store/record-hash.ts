/**
 * The dedupe index of `events` (forensic invariant 4): a record's identity (`record_key`, e.g.
 * `ual:<Id>`) is looked up through a 53-bit integer hash of it, `record_hash`, unique per case.
 *
 * Why not a unique index on the key text: record ids are random GUIDs, so every import batch
 * dirties nearly every page of that index, and at 40–50 bytes an entry it outgrew the import's
 * page cache near a million events (each batch then re-read, re-encrypted and journaled most of
 * it). An integer entry is about a quarter of the size.
 *
 * Two keys with the same hash (about one pair in 10^5 cases of a million events) are resolved by
 * linear probing: a key lives at the first free hash from its own upwards, and a lookup walks up
 * from the key's hash until it finds the key or a free hash. Events are never deleted, so a walk
 * never has to step over a hole. The function and the probing are part of the file format: cases
 * store the hashes, so neither may ever change.
 */
import type { Db } from './database';

const SPAN = 2 ** 53;

/**
 * cyrb53 (public domain, bryc): two 32-bit multiply-xorshift lanes over the UTF-16 code units,
 * combined into 53 bits, so the value is exact in a JavaScript number and in SQLite's INTEGER.
 */
export function recordHash(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The next slot of a probe walk (wraps at 2^53). */
export function nextProbe(hash: number): number {
  return hash + 1 === SPAN ? 0 : hash + 1;
}

/** Where a record key is stored. */
export interface KeyedEvent {
  id: number;
  evidence_id: number;
  record_index: number;
}

/** Finds events by record key through `record_hash` (prepare once, call per record). */
export class RecordKeyLookup {
  private readonly atHash;

  constructor(db: Db) {
    this.atHash = db.prepare('SELECT id, evidence_id, record_index, record_key FROM events WHERE record_hash = ?');
  }

  /** The event holding `key`, or, when none does, the free hash where it belongs (`slot`). */
  find(key: string): { event: KeyedEvent } | { slot: number } {
    for (let h = recordHash(key); ; h = nextProbe(h)) {
      const row = this.atHash.get(h) as (KeyedEvent & { record_key: string }) | undefined;
      if (row === undefined) return { slot: h };
      if (row.record_key === key) return { event: { id: row.id, evidence_id: row.evidence_id, record_index: row.record_index } };
    }
  }
}
