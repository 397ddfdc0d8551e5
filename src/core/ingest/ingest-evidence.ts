/**
 * Parses one stored evidence item into events: decode → detect → stream records → normalize →
 * write (dedupe by record key, sightings kept) → quarantine what cannot be read, with its position
 * and reason → parsed count + one journal entry. `read = imported + duplicates + quarantined`.
 *
 * Writing: one transaction per batch. Two ways to feed it, same records in the same order:
 * - large items: a parse thread (`parse-worker.ts`, its own read-only connection) reads, parses
 *   and normalizes while this thread writes; a bounded queue keeps memory flat;
 * - small items (collected pages), or where a worker cannot start: parsing and writing in this
 *   thread, nothing buffered between them.
 * The full-text index is filled in the batch transactions from the values in hand, unless the
 * caller defers it (`deferIndex`).
 */
import { MailtrailError } from '../../shared/errors';
import type { NormalizedEvent } from '../../shared/model/event';
import { isFormatId, type FormatId, type IngestSummary } from '../../shared/model/ingest';
import type { CaseSession } from '../case/case-file';
import { defaultIpEnricher, type IpEnricher } from '../enrich';
import type { NormalizeContext } from '../normalize/event';
import type { DateOrder, DateOrderSurvey } from '../normalize/time';
import { beginFtsBatch, endFtsBatch, maxEventId, type EventEnrichment } from '../store/events-repo';
import { restoreCacheSize, setCacheSize } from '../store/database';
import type { CompletenessSignals, ItemCompleteness } from './completeness';
import { surveyDateOrder } from './date-order-survey';
import { ParseThread } from './parse-thread';
import { readRecords } from './record-wire';
import { cachedEnricher, finishItem, observedAt, RecordWriter, type Counts, type RecordSpan } from './writer';
import {
  evidenceText,
  parserFor,
  prepareEvent,
  sampleAndDetect,
  storedChunks,
  UnreadableEvidenceError,
  type RecordTarget,
} from './record-parsers';
import type { TextChunk, TextInfo } from './text';

export { UnreadableEvidenceError } from './record-parsers';

/** Options of {@link ingestEvidence}. */
export interface IngestOptions {
  /** Skip detection. */
  format?: FormatId | undefined;
  /** Owner of per-mailbox records (Activities, message rules, mailbox settings) when they do not name it. */
  mailbox?: string | undefined;
  /**
   * Whether to warn of an incomplete export (default true). Collection turns it off: it follows
   * every `@odata.nextLink` itself and records its own gaps, so one page saying more follow is normal.
   */
  checkCompleteness?: boolean | undefined;
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
  /**
   * The order of locale dates that read both ways (`3/4/2026 14:54` in an older Entra sign-in CSV),
   * as the examiner knows it from where the file was downloaded; a date in the file that can only
   * be read the other way still wins (those rows are quarantined, saying so).
   */
  dateOrder?: DateOrder | undefined;
  /**
   * Parse in a second thread: forced on or off; when undefined, on for items of at least
   * {@link PARSE_THREAD_MIN_BYTES}. Falls back to this thread when a worker cannot start.
   */
  parseThread?: boolean | undefined;
}

/**
 * Records per write transaction. Index pages dirtied by a batch are journaled and written once per
 * commit, and the record-key index (random ids) is dirtied nearly everywhere by every batch, so
 * fewer, bigger batches write it fewer times: at 1M records 50,000 → 100,000 per batch took the
 * import from 79 to 72 s; 200,000 or 500,000 gained nothing more. A cancel waits for the batch in
 * hand (≈ 4 s at this size).
 */
export const BATCH_RECORDS = 100_000;
/**
 * Raw characters per transaction, whichever comes first: keeps a batch of unusually large records
 * (a transaction's length, not its memory: dirty pages beyond the cache spill to the file) near
 * the time a batch of ordinary ones takes.
 */
export const BATCH_CHARS = 256 * 1024 * 1024;
/**
 * Page cache while importing (KiB): holds the pages of the dedupe index (`events_record_hash`, ≈ 15 MB
 * at a million events), which every batch touches at random, and the tails of the tables it appends
 * to. At 1M records 64 MiB was no faster (56.0 vs 57.6 s) and peaked 28 MB higher.
 */
export const IMPORT_CACHE_KIB = 24 * 1024;
/** Bytes of the dedupe index per event: an 8-byte hash and a rowid (3.7 MB at 200k events). */
const RECORD_HASH_INDEX_BYTES = 19;
/** The most {@link importCacheKib} adds for the events already in the case (≈ 2.2M events' index). */
export const IMPORT_CACHE_GROWTH_MAX_KIB = 40 * 1024;

/**
 * The import's page cache for a case already holding `existingEvents`: {@link IMPORT_CACHE_KIB} plus
 * the dedupe index of those events, which every new record probes at random and which otherwise
 * competes with the appended pages for the cache. A second 1M-record export into a case of 1M
 * events: parse phase 50 → 32 s, peak RSS of that phase 343 → 375 MB. An empty case is unchanged
 * (the index grows with the import; sizing for the records to come peaked too close to 400 MB).
 */
export function importCacheKib(existingEvents: number): number {
  const index = Math.ceil((Math.max(0, existingEvents) * RECORD_HASH_INDEX_BYTES) / 1024);
  return IMPORT_CACHE_KIB + Math.min(IMPORT_CACHE_GROWTH_MAX_KIB, index);
}

/** Items from this size up are parsed in a second thread (starting one costs ~0.3 s). */
export const PARSE_THREAD_MIN_BYTES = 8 * 1024 * 1024;
/** With a parse thread: records per message, and most messages queued (≈ 4 × 1 MiB). */
const MESSAGE_RECORDS = 500;
const MESSAGE_CHARS = 1024 * 1024;
const MAX_IN_FLIGHT = 4;
/** With a parse thread: stored chunks (1 MiB each) handed over ahead of the parser. */
const CHUNKS_AHEAD = 4;

/** The direct target: normalized records go straight to the writer. */
class DirectTarget implements RecordTarget {
  chars = 0;

  constructor(
    private readonly out: RecordWriter,
    private readonly enrich: (ip: string | null) => EventEnrichment | null,
    private readonly info: TextInfo,
  ) {}

  event(index: number, location: string, ev: NormalizedEvent): void {
    const ready = prepareEvent(ev, this.info.invalidUtf8);
    if ('reason' in ready) return this.reject(index, location, ready.reason, ev.raw);
    this.chars += ev.raw.length;
    this.out.event(index, ev, ready.attrsJson, this.enrich(ev.clientIp));
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
  const reader = evidenceText(session.db, evidenceId);
  // Detection reads the start of the item here, so an unreadable item fails before any thread starts.
  const { format, sample } = sampleAndDetect(reader, item.bytes, opts.format);
  const mailbox = opts.mailbox?.trim().toLowerCase() || null;
  // Only the older Entra sign-in CSV writes locale dates that read both ways.
  const surveyed = format === 'entra-signin-csv' ? surveyDateOrder(session.db, evidenceId, sample) : null;
  const dateOrder: DateOrderSurvey | null =
    format !== 'entra-signin-csv' || opts.dateOrder === undefined
      ? surveyed
      : { ...(surveyed ?? { dayFirstLine: null, monthFirstLine: null }), given: opts.dateOrder };
  if (opts.parseThread ?? item.bytes >= PARSE_THREAD_MIN_BYTES) {
    const threaded = await ingestWithParseThread(session, item, format, mailbox, dateOrder, opts);
    if (threaded !== null) return threaded;
  }
  return ingestInThisThread(session, item, format, mailbox, dateOrder, reader, sample, opts);
}

type Item = ReturnType<CaseSession['evidence']['get']>;

/** What the batches committed before an ingest failed, by the error it threw. */
const committedAtFailure = new WeakMap<object, Counts & RecordSpan>();

function keepCommitted(err: unknown, out: RecordWriter): void {
  if (typeof err === 'object' && err !== null) committedAtFailure.set(err, out.committed);
}

/**
 * The records an {@link ingestEvidence} that threw `err` had committed (its batches before the
 * failing one), so a report can show what the case holds; null when `err` did not come from it.
 * Inside an outer transaction "committed" means released into it: if that transaction was undone
 * too, so were they.
 */
export function committedBeforeFailure(err: unknown): (Counts & RecordSpan) | null {
  return typeof err === 'object' && err !== null ? (committedAtFailure.get(err) ?? null) : null;
}

/** What both ways of feeding the writer share: its settings and the import page cache (restore `prevCache`). */
function writeSetup(session: CaseSession, item: Item, format: FormatId, opts: IngestOptions) {
  const inlineFts = !opts.deferIndex;
  return {
    evidenceId: item.id,
    db: session.db,
    inlineFts,
    batchRecords: opts.batchRecords ?? BATCH_RECORDS,
    prevCache: setCacheSize(session.db, importCacheKib(maxEventId(session.db))),
    // Read again in the examiner's date order: records read another way before take the new reading.
    out: new RecordWriter(session, item.id, inlineFts, format, format === 'entra-signin-csv' && opts.dateOrder !== undefined),
    /** The parser's completeness signals, or null when the caller does not want them judged. */
    checked: (s: CompletenessSignals): CompletenessSignals | null => (opts.checkCompleteness === false ? null : s),
  };
}

/** Parses and writes in this thread, one synchronous transaction per batch. */
async function ingestInThisThread(
  session: CaseSession,
  item: Item,
  format: FormatId,
  mailbox: string | null,
  dateOrder: DateOrderSurvey | null,
  reader: ReturnType<typeof evidenceText>,
  sample: TextChunk[],
  opts: IngestOptions,
): Promise<IngestSummary> {
  const { evidenceId, db, inlineFts, batchRecords, prevCache, out, checked } = writeSetup(session, item, format, opts);
  try {
    const ctx: NormalizeContext = { raw: '', mailbox, observedAtUs: observedAt(item), dateOrder };
    const target = new DirectTarget(out, cachedEnricher(opts.enricher ?? defaultIpEnricher()), reader.info);
    const parser = parserFor(format, ctx, target);
    let sampleAt = 0;
    const nextChunk = (): TextChunk | null => (sampleAt < sample.length ? sample[sampleAt++]! : reader.next());
    let bytes = 0;
    let reported = 0;
    let completeness: ItemCompleteness = { warnings: [], pageRole: 'none', pull: null };
    // One transaction per batch: read and write until the batch is full or the input ends.
    const batch = db.transaction((): boolean => {
      if (inlineFts) beginFtsBatch(db);
      const startRead = out.counts.read;
      target.chars = 0;
      for (;;) {
        const c = nextChunk();
        if (c === null) {
          parser.end();
          completeness = finishItem(
            session,
            item,
            format,
            reader.info,
            ctx.mailbox,
            out,
            checked(parser.signals),
            dateOrder?.given ?? null,
          );
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
          out.endBatch();
          if (inlineFts) endFtsBatch(db);
          return false;
        }
      }
    });
    for (;;) {
      if (opts.signal?.aborted) throw new MailtrailError('CANCELLED', `import of evidence ${evidenceId} cancelled`);
      const done = batch.immediate();
      out.markCommitted();
      opts.onProgress?.({ records: out.counts.read, bytes });
      if (done) break;
      await yieldToEventLoop();
    }
    return { evidenceId, format, ...out.counts, upgraded: out.upgraded, ...out.span, ...completeness };
  } catch (err) {
    if (err instanceof MailtrailError && err.code === 'CANCELLED') {
      session.journal.append('import.cancelled', { evidence_id: evidenceId, format, records_committed: out.counts.read });
    }
    keepCommitted(err, out);
    throw err;
  } finally {
    restoreCacheSize(db, prevCache);
  }
}

/**
 * Writes what a parse thread parses and normalizes. This thread reads the stored chunks and hands
 * them over: a reader on a second connection would be locked out whenever this writer commits (and
 * for the rest of a batch once its dirty pages spill), in rollback-journal mode. One transaction per
 * batch, opened and committed around awaits (this connection is the import's only writer). Returns
 * null when the thread could not start or failed before anything was written: the caller then
 * parses here.
 */
async function ingestWithParseThread(
  session: CaseSession,
  item: Item,
  format: FormatId,
  mailbox: string | null,
  dateOrder: DateOrderSurvey | null,
  opts: IngestOptions,
): Promise<IngestSummary | null> {
  const chunks = storedChunks(session.db, item.id);
  let thread: ParseThread;
  try {
    thread = new ParseThread(
      {
        codec: chunks.codec,
        format,
        mailbox,
        observedAtUs: observedAt(item),
        dateOrder,
        maxInFlight: MAX_IN_FLIGHT,
        messageRecords: MESSAGE_RECORDS,
        messageChars: MESSAGE_CHARS,
      },
      chunks.next,
      CHUNKS_AHEAD,
    );
  } catch {
    return null; // no worker here: parse in this thread
  }
  const { evidenceId, db, inlineFts, batchRecords, prevCache, out, checked } = writeSetup(session, item, format, opts);
  const enrich = cachedEnricher(opts.enricher ?? defaultIpEnricher());
  const sink = {
    event: (index: number, ev: Omit<NormalizedEvent, 'attrs'>, attrsJson: string) => out.event(index, ev, attrsJson, enrich(ev.clientIp)),
    reject: (index: number, location: string, reason: string, raw: string | null) => out.reject(index, location, reason, raw),
  };
  let open = false;
  // Inside an outer transaction (a commit group of small inputs) each batch is a savepoint, as
  // better-sqlite3 nests its own transaction functions.
  let nested = false;
  let batchStart = 0;
  let chars = 0;
  let bytes = 0;
  let reported = 0;
  let consumed = 0;
  const begin = (): void => {
    if (opts.signal?.aborted) throw new MailtrailError('CANCELLED', `import of evidence ${evidenceId} cancelled`);
    nested = db.inTransaction;
    db.exec(nested ? 'SAVEPOINT parse_batch' : 'BEGIN IMMEDIATE');
    open = true;
    if (inlineFts) beginFtsBatch(db);
    batchStart = out.counts.read;
    chars = 0;
  };
  const commit = (): void => {
    out.endBatch(); // nothing left after finishItem, which journals the last batch's
    if (inlineFts) endFtsBatch(db);
    db.exec(nested ? 'RELEASE parse_batch' : 'COMMIT');
    open = false;
    out.markCommitted();
    opts.onProgress?.({ records: out.counts.read, bytes });
  };
  try {
    thread.feed();
    for (;;) {
      const m = await thread.next();
      if (m.type === 'error') {
        if (m.unreadable) throw new UnreadableEvidenceError(m.message);
        if (consumed === 0 && !open) return null; // failed before writing anything: parse here instead
        throw new MailtrailError('INTERNAL', `parse thread failed: ${m.message}`);
      }
      if (!open) begin();
      if (m.type === 'end') {
        bytes = m.bytes;
        const completeness = finishItem(session, item, format, m.info, m.mailbox, out, checked(m.signals), dateOrder?.given ?? null);
        commit();
        return { evidenceId, format, ...out.counts, upgraded: out.upgraded, ...out.span, ...completeness };
      }
      thread.ack(); // before writing: the parser fills the queue meanwhile
      readRecords(m.recs, sink);
      consumed++;
      chars += m.chars;
      bytes = m.bytes;
      if (opts.onProgress && out.counts.read - reported >= 5000) {
        reported = out.counts.read;
        opts.onProgress({ records: out.counts.read, bytes });
      }
      if (out.counts.read - batchStart >= batchRecords || chars >= BATCH_CHARS) {
        commit();
        await yieldToEventLoop();
      }
    }
  } catch (err) {
    if (open && db.inTransaction) db.exec(nested ? 'ROLLBACK TO parse_batch; RELEASE parse_batch' : 'ROLLBACK');
    if (err instanceof MailtrailError && err.code === 'CANCELLED') {
      session.journal.append('import.cancelled', { evidence_id: evidenceId, format, records_committed: out.counts.read });
    }
    keepCommitted(err, out);
    throw err;
  } finally {
    await thread.stop();
    restoreCacheSize(db, prevCache);
  }
}
