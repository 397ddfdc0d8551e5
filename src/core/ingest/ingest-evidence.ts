/**
 * Parses one stored evidence item into events: decode → detect → stream records → normalize →
 * write (dedupe by record key, sightings kept) → quarantine what cannot be read, with its position
 * and reason → parsed count + one journal entry. `read = imported + duplicates + quarantined`.
 *
 * Writing: one transaction per batch, nothing buffered between parsing and writing (memory stays
 * flat whatever the batch size), the full-text index filled in the same transaction from the values
 * in hand. One thread: a two-thread variant (a parser thread feeding this writer) was measured no
 * faster here, see docs/formats.md.
 */
import { MailtrailError } from '../../shared/errors';
import type { NormalizedEvent } from '../../shared/model/event';
import { isFormatId, type FormatId, type IngestSummary } from '../../shared/model/ingest';
import type { CaseSession } from '../case/case-file';
import { defaultIpEnricher, type IpEnricher } from '../enrich';
import type { NormalizeContext } from '../normalize/event';
import { beginFtsBatch, endFtsBatch, type EventEnrichment } from '../store/events-repo';
import { restoreCacheSize, setCacheSize } from '../store/ingest-repo';
import { cachedEnricher, finishItem, observedAt, RecordWriter } from './writer';
import { evidenceText, parserFor, prepareEvent, sampleAndDetect, type RecordTarget } from './record-parsers';
import type { TextChunk, TextInfo } from './text';

export { UnreadableEvidenceError } from './record-parsers';

/** Options of {@link ingestEvidence}. */
export interface IngestOptions {
  /** Skip detection. */
  format?: FormatId | undefined;
  /** Owner of per-mailbox records (Activities, message rules, mailbox settings) when they do not name it. */
  mailbox?: string | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: { records: number; bytes: number }) => void) | undefined;
  /** IP enrichment; `defaultIpEnricher()` when not given. */
  enricher?: IpEnricher | undefined;
  /** Records per write transaction (default {@link BATCH_RECORDS}). */
  batchRecords?: number | undefined;
  /**
   * Leave the full-text index to the caller (`indexPendingEvents` once after many small items, e.g.
   * collected pages). By default the index is filled inline, in each batch's transaction.
   */
  deferIndex?: boolean | undefined;
}

/** Records per write transaction: index pages dirtied by a batch are written once per commit, so bigger is faster. */
export const BATCH_RECORDS = 50_000;
/** Raw characters per transaction, whichever comes first (bounds the dirty pages a batch holds). */
export const BATCH_CHARS = 96 * 1024 * 1024;
/** Page cache while importing (KiB): holds the index pages a batch touches. */
export const IMPORT_CACHE_KIB = 64 * 1024;

/** The direct target: normalized records go straight to the writer. */
class DirectTarget implements RecordTarget {
  chars = 0;

  constructor(
    private readonly out: RecordWriter,
    private readonly enrich: (ip: string | null) => EventEnrichment | null,
    private readonly info: TextInfo,
  ) {}

  event(index: number, location: string, ev: NormalizedEvent): void {
    const bad = prepareEvent(ev, this.info.invalidUtf8);
    if (bad !== null) return this.reject(index, location, bad, ev.raw);
    this.chars += ev.raw.length;
    this.out.event(index, ev, JSON.stringify(ev.attrs), this.enrich(ev.clientIp));
  }

  reject(index: number, location: string, reason: string, raw: string | null): void {
    this.chars += raw?.length ?? 0;
    this.out.reject(index, location, reason, raw);
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Parses a stored evidence item (auto-detecting its format unless given) into events.
 * Throws `UnreadableEvidenceError` when the format cannot be determined (nothing written).
 */
export async function ingestEvidence(session: CaseSession, evidenceId: number, opts: IngestOptions = {}): Promise<IngestSummary> {
  if (session.readOnly) throw new MailtrailError('UNSUPPORTED', 'the case is open read-only');
  if (opts.format !== undefined && !isFormatId(opts.format))
    throw new MailtrailError('INVALID_INPUT', `unknown format ${String(opts.format)}`);
  const item = session.evidence.get(evidenceId);
  const db = session.db;
  const reader = evidenceText(db, evidenceId);
  const { format, sample } = sampleAndDetect(reader, item.bytes, opts.format);
  const mailbox = opts.mailbox?.trim().toLowerCase() || null;
  const inlineFts = !opts.deferIndex;
  const batchRecords = opts.batchRecords ?? BATCH_RECORDS;
  const prevCache = setCacheSize(db, IMPORT_CACHE_KIB);
  const out = new RecordWriter(session, evidenceId, inlineFts);
  try {
    const ctx: NormalizeContext = { raw: '', mailbox, observedAtUs: observedAt(item) };
    const target = new DirectTarget(out, cachedEnricher(opts.enricher ?? defaultIpEnricher()), reader.info);
    const parser = parserFor(format, ctx, target);
    let sampleAt = 0;
    const nextChunk = (): TextChunk | null => (sampleAt < sample.length ? sample[sampleAt++]! : reader.next());
    let bytes = 0;
    let reported = 0;
    // One transaction per batch: read and write until the batch is full or the input ends.
    const batch = db.transaction((): boolean => {
      if (inlineFts) beginFtsBatch(db);
      const startRead = out.counts.read;
      target.chars = 0;
      for (;;) {
        const c = nextChunk();
        if (c === null) {
          parser.end();
          finishItem(session, item, format, reader.info, ctx.mailbox, out.counts);
          if (inlineFts) endFtsBatch(db);
          return true;
        }
        bytes = c.bytes;
        parser.push(c.text);
        if (opts.onProgress && out.counts.read - reported >= 5000) {
          reported = out.counts.read;
          opts.onProgress({ records: out.counts.read, bytes });
        }
        if (out.counts.read - startRead >= batchRecords || target.chars >= BATCH_CHARS) {
          if (inlineFts) endFtsBatch(db);
          return false;
        }
      }
    });
    for (;;) {
      if (opts.signal?.aborted) throw new MailtrailError('CANCELLED', `import of evidence ${evidenceId} cancelled`);
      const done = batch.immediate();
      opts.onProgress?.({ records: out.counts.read, bytes });
      if (done) break;
      await yieldToEventLoop();
    }
    return { evidenceId, format, ...out.counts };
  } catch (err) {
    if (err instanceof MailtrailError && err.code === 'CANCELLED') {
      session.journal.append('import.cancelled', { evidence_id: evidenceId, format, records_committed: out.counts.read });
    }
    throw err;
  } finally {
    restoreCacheSize(db, prevCache);
  }
}
