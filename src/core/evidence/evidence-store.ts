/**
 * Raw-first evidence storage (forensic invariant 1): every acquired byte stream is stored verbatim
 * in the case, in chunks, while its SHA-256 is computed; the item is sealed (and becomes immutable
 * by trigger) only once the whole stream has been stored. Identical bytes are kept once and the
 * repeat acquisition is recorded as a sighting and journaled.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MailtrailError } from '../../shared/errors';
import type { AddEvidenceResult, EvidenceItem, EvidenceOrigin } from '../../shared/model/evidence';
import type { Clock } from '../clock';
import type { Journal } from '../custody/journal';
import { decodeChunk, encodeChunk, type EvidenceCodec } from './codec';
import type { Db } from '../store/database';
import {
  chunkAt,
  chunkInserter,
  discardStaging,
  evidenceTotals,
  insertSighting,
  insertStaging,
  itemById,
  sealItem,
  sealedBySha,
  sealedItems,
  setCounts,
  sightingsOf,
  stagingIds,
  toEvidenceItem,
} from '../store/evidence-repo';

/** Bytes per stored chunk. */
export const CHUNK_SIZE = 1024 * 1024;
/** Chunks written per transaction: bounds memory (8 MiB) and lock time. */
const CHUNKS_PER_TRANSACTION = 8;

/** Anything {@link EvidenceStore.add} can read bytes from. */
export type ByteSource = Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array> | Uint8Array | string;

/** What is being stored. */
export interface AddEvidenceInput {
  kind: string;
  origin: EvidenceOrigin;
  /** Records the source declares it holds, when known (API counts). */
  declaredCount?: number | null;
  /** Storage codec; `deflate-raw` suits large text exports. Default `identity`. */
  codec?: EvidenceCodec;
}

/** Options for long evidence operations. */
export interface EvidenceStreamOptions {
  signal?: AbortSignal | undefined;
  /** Called after every stored chunk with the bytes stored so far. */
  onProgress?: ((bytes: number) => void) | undefined;
}

async function* bytesOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    yield Buffer.from(source, 'utf8');
  } else if (source instanceof Uint8Array) {
    yield source;
  } else {
    for await (const piece of source as AsyncIterable<Uint8Array | string>) {
      yield typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    }
  }
}

/** The evidence store of one open case. */
export class EvidenceStore {
  constructor(
    private readonly db: Db,
    private readonly journal: Journal,
    private readonly clock: Clock,
  ) {}

  /**
   * Streams `source` into the case while hashing it, then seals it (or, when the same SHA-256 is
   * already stored, drops the copy and records a sighting of the existing item). Memory use is
   * bounded by {@link CHUNKS_PER_TRANSACTION} chunks whatever the stream size.
   */
  async add(source: ByteSource, input: AddEvidenceInput, options: EvidenceStreamOptions = {}): Promise<AddEvidenceResult> {
    const { signal, onProgress } = options;
    const acquiredAtUs = this.clock();
    const originJson = JSON.stringify(input.origin);
    const codec = input.codec ?? 'identity';
    const id = insertStaging(this.db, input.kind, originJson, CHUNK_SIZE, codec, acquiredAtUs, input.declaredCount ?? null);
    const insertChunk = chunkInserter(this.db);
    const hash = createHash('sha256');
    // SQLite copies bound blobs, so a small pool of chunk buffers is reused for the whole stream:
    // memory stays at CHUNKS_PER_TRANSACTION chunks and no garbage is produced per megabyte.
    const pool = Array.from({ length: CHUNKS_PER_TRANSACTION }, () => Buffer.allocUnsafe(CHUNK_SIZE));
    let pending = 0;
    let seq = 0;
    let total = 0;
    let fill = 0;

    const flush = this.db.transaction((lastLength: number) => {
      for (let i = 0; i < pending; i++) insertChunk(id, seq++, encodeChunk(codec, pool[i]!));
      if (lastLength >= 0) insertChunk(id, seq++, encodeChunk(codec, pool[pending]!.subarray(0, lastLength)));
      pending = 0;
    });

    try {
      for await (const piece of bytesOf(source)) {
        if (signal?.aborted) throw new MailtrailError('CANCELLED', 'evidence acquisition cancelled');
        hash.update(piece);
        total += piece.byteLength;
        let offset = 0;
        while (offset < piece.byteLength) {
          const n = Math.min(CHUNK_SIZE - fill, piece.byteLength - offset);
          pool[pending]!.set(piece.subarray(offset, offset + n), fill);
          fill += n;
          offset += n;
          if (fill === CHUNK_SIZE) {
            pending++;
            fill = 0;
            if (pending === CHUNKS_PER_TRANSACTION) {
              flush.immediate(-1);
              onProgress?.(total);
            }
          }
        }
      }
      // The trailing partial chunk (or the single empty chunk of an empty stream).
      flush.immediate(fill > 0 || total === 0 ? fill : -1);
      onProgress?.(total);
    } catch (err) {
      this.db.transaction(() => discardStaging(this.db, id)).immediate();
      throw err;
    }

    const sha256 = hash.digest('hex');
    return this.db
      .transaction((): AddEvidenceResult => {
        const existing = sealedBySha(this.db, sha256);
        if (existing) {
          discardStaging(this.db, id);
          const entry = this.journal.append('evidence.repeat', {
            evidence_id: existing.id,
            sha256,
            bytes: total,
            kind: input.kind,
            origin: input.origin,
          });
          insertSighting(this.db, existing.id, originJson, acquiredAtUs, entry.seq);
          return { item: toEvidenceItem(existing), repeated: true };
        }
        const entry = this.journal.append('evidence.add', {
          evidence_id: id,
          sha256,
          bytes: total,
          kind: input.kind,
          origin: input.origin,
        });
        sealItem(this.db, id, sha256, total, entry.seq);
        return { item: this.get(id), repeated: false };
      })
      .immediate();
  }

  /** Streams an item's bytes back, one chunk in memory at a time. */
  open(id: number): Readable {
    const row = itemById(this.db, id);
    if (!row || row.state !== 'sealed') throw new MailtrailError('NOT_FOUND', `no evidence item ${id}`);
    const db = this.db;
    function* chunks(): Generator<Buffer> {
      for (let seq = 0; ; seq++) {
        const stored = chunkAt(db, id, seq);
        if (!stored) return;
        const data = decodeChunk(row!.codec, stored);
        if (data.byteLength > 0) yield data;
      }
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_SIZE });
  }

  /** One sealed item. */
  get(id: number): EvidenceItem {
    const row = itemById(this.db, id);
    if (!row || row.state !== 'sealed') throw new MailtrailError('NOT_FOUND', `no evidence item ${id}`);
    return toEvidenceItem(row);
  }

  /** Every sealed item, oldest first. */
  list(): EvidenceItem[] {
    return sealedItems(this.db).map(toEvidenceItem);
  }

  /** Further acquisitions of the same bytes. */
  sightings(id: number): { origin: EvidenceOrigin; acquiredAtUs: number; custodySeq: number }[] {
    return sightingsOf(this.db, id).map((s) => ({
      origin: JSON.parse(s.origin) as EvidenceOrigin,
      acquiredAtUs: s.acquired_at_us,
      custodySeq: s.custody_seq,
    }));
  }

  /** Records declared and/or parsed record counts (journaled by the import or collection entry). */
  setCounts(id: number, counts: { declared?: number | null; parsed?: number | null }): void {
    setCounts(this.db, id, counts);
  }

  /** Count and bytes of sealed items. */
  totals(): { items: number; bytes: number } {
    return evidenceTotals(this.db);
  }

  /**
   * Removes staging items left by an interrupted acquisition (their bytes were never sealed nor
   * journaled as evidence) and journals the clean-up. Only safe when no other connection is adding.
   */
  discardIncomplete(): number {
    const ids = stagingIds(this.db);
    if (ids.length === 0) return 0;
    this.db
      .transaction(() => {
        for (const id of ids) discardStaging(this.db, id);
        this.journal.append('evidence.discard-incomplete', { staging_ids: ids });
      })
      .immediate();
    return ids.length;
  }
}
