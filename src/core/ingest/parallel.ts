/**
 * Two-thread import of a large item. The writing thread reads the stored evidence chunks (it holds
 * the case connection) and hands them, decoded, to a parser thread (transferred, not copied); the
 * parser decodes text, tokenizes, normalizes and enriches, and sends records back in small
 * messages; the writer only writes them, one transaction per batch. Shared counters bound both
 * directions (chunks ahead of the parser, record messages ahead of the writer), so memory stays
 * flat. Invariant 1 holds as in the single-thread path: records come from the sealed evidence item.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { MailtrailError, type ErrorCode } from '../../shared/errors';
import type { NormalizedEvent } from '../../shared/model/event';
import type { EvidenceItem } from '../../shared/model/evidence';
import type { FormatId } from '../../shared/model/ingest';
import type { CaseSession } from '../case/case-file';
import { defaultIpEnricher } from '../enrich';
import { decodeChunk } from '../evidence/codec';
import { resolveWorkerEntry, startWorker } from '../jobs/runner';
import type { NormalizeContext } from '../normalize/event';
import { beginFtsBatch, endFtsBatch, type EventEnrichment } from '../store/events-repo';
import { chunkAt, itemById } from '../store/evidence-repo';
import { parserFor, prepareEvent, type RecordTarget } from './record-parsers';
import { TextReader, type TextInfo } from './text';
import { cachedEnricher, finishItem, observedAt, type Counts, type RecordWriter } from './writer';

/** Record messages the parser may have queued before it waits for the writer. */
const IN_FLIGHT = 6;
/** Evidence chunks (1 MiB each) the writer keeps ahead of the parser. */
const CHUNKS_AHEAD = 4;
/** Records per message. */
const MESSAGE_RECORDS = 1000;
const MESSAGE_CHARS = 4 * 1024 * 1024;
/** Records between progress reports. */
const PROGRESS_EVERY = 5000;

/** Indexes of the shared counters. */
const SENT = 0;
const CONSUMED = 1;
const CHUNKS_SENT = 2;
const CHUNKS_TAKEN = 3;

/** An event as sent between threads: `attrs` serialised once, in the parser thread. */
type WireEvent = Omit<NormalizedEvent, 'attrs'> & { index: number; attrsJson: string; enrichment: EventEnrichment | null };
type WireReject = { index: number; location: string; reason: string; raw: string | null };

/** Parser thread → writer. `order` lists `e` (event) / `r` (reject) so positions stay in sequence. */
type ParseMessage =
  | { type: 'records'; events: WireEvent[]; rejects: WireReject[]; order: string; chars: number; bytes: number }
  | { type: 'hungry' }
  | { type: 'end'; info: TextInfo; mailbox: string | null }
  | { type: 'error'; code: string; message: string };

/** Writer → parser on the chunk channel. */
type ChunkMessage = { data: ArrayBuffer | null };

/** `workerData.input` of a parser thread (job kind `ingest-parse`). */
export interface ParseWorkerInput {
  format: FormatId;
  mailbox: string | null;
  observedAtUs: number;
  /** [sent, consumed, chunksSent, chunksTaken] counters shared with the writer. */
  counters: SharedArrayBuffer;
  /** Where the evidence chunks arrive. */
  chunks: MessagePort;
}

/** Runs in the parser thread: turns the chunks it receives into records it posts back. */
export function runParseWorker(input: ParseWorkerInput, post: (m: ParseMessage) => void): void {
  const c = new Int32Array(input.counters);
  try {
    const enrich = cachedEnricher(defaultIpEnricher());
    let events: WireEvent[] = [];
    let rejects: WireReject[] = [];
    let order = '';
    let chars = 0;
    let bytes = 0;
    const flush = (): void => {
      if (order.length === 0) return;
      // Wait while the writer has IN_FLIGHT messages still to write.
      while (Atomics.load(c, SENT) - Atomics.load(c, CONSUMED) >= IN_FLIGHT) Atomics.wait(c, CONSUMED, Atomics.load(c, CONSUMED), 1000);
      Atomics.add(c, SENT, 1);
      post({ type: 'records', events, rejects, order, chars, bytes });
      events = [];
      rejects = [];
      order = '';
      chars = 0;
    };
    const nextChunk = (): Buffer | null => {
      for (;;) {
        const m = receiveMessageOnPort(input.chunks) as { message: ChunkMessage } | undefined;
        if (m) {
          Atomics.add(c, CHUNKS_TAKEN, 1);
          return m.message.data === null ? null : Buffer.from(m.message.data);
        }
        // Nothing queued: hand over what is parsed so far and ask for more.
        flush();
        post({ type: 'hungry' });
        const seen = Atomics.load(c, CHUNKS_SENT);
        if (Atomics.load(c, CHUNKS_TAKEN) >= seen) Atomics.wait(c, CHUNKS_SENT, seen, 1000);
      }
    };
    const reader = new TextReader(nextChunk);
    const target: RecordTarget = {
      event(index, location, ev) {
        const bad = prepareEvent(ev, reader.info.invalidUtf8);
        if (bad !== null) return target.reject(index, location, bad, ev.raw);
        const { attrs, ...rest } = ev;
        events.push({ ...rest, index, attrsJson: JSON.stringify(attrs), enrichment: enrich(ev.clientIp) });
        order += 'e';
        chars += ev.raw.length;
        if (order.length >= MESSAGE_RECORDS || chars >= MESSAGE_CHARS) flush();
      },
      reject(index, location, reason, raw) {
        rejects.push({ index, location, reason, raw });
        order += 'r';
        chars += raw?.length ?? 0;
        if (order.length >= MESSAGE_RECORDS || chars >= MESSAGE_CHARS) flush();
      },
    };
    const ctx: NormalizeContext = { raw: '', mailbox: input.mailbox, observedAtUs: input.observedAtUs };
    const parser = parserFor(input.format, ctx, target);
    for (let t = reader.next(); t !== null; t = reader.next()) {
      bytes = t.bytes;
      parser.push(t.text);
    }
    parser.end();
    flush();
    post({ type: 'end', info: reader.info, mailbox: ctx.mailbox });
  } catch (err) {
    post({ type: 'error', code: err instanceof MailtrailError ? err.code : 'INTERNAL', message: (err as Error).message });
  } finally {
    input.chunks.close();
  }
}

/** Options of {@link ingestInParallel}. */
export interface ParallelOptions {
  mailbox: string | null;
  inlineFts: boolean;
  batchRecords: number;
  batchChars: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: { records: number; bytes: number }) => void) | undefined;
  out: RecordWriter;
}

/**
 * Writes an item's records as a parser thread produces them. The connection must not be used by
 * anything else meanwhile: its write transactions stay open across awaits.
 */
export async function ingestInParallel(session: CaseSession, item: EvidenceItem, format: FormatId, opts: ParallelOptions): Promise<void> {
  const db = session.db;
  const row = itemById(db, item.id)!;
  const shared = new SharedArrayBuffer(16);
  const c = new Int32Array(shared);
  const { port1: chunkOut, port2: chunkIn } = new MessageChannel();
  const input: ParseWorkerInput = { format, mailbox: opts.mailbox, observedAtUs: observedAt(item), counters: shared, chunks: chunkIn };
  // The parser's heap only holds a few chunks and messages: a small young generation keeps its RSS low.
  const worker: Worker = startWorker(
    resolveWorkerEntry(),
    { jobId: `parse-${item.id}`, kind: 'ingest-parse', input, caseRef: { file: '', passphrase: '', examiner: '' } },
    [chunkIn],
    { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 256 },
  );
  const queue: ParseMessage[] = [];
  let wake: (() => void) | null = null;
  const push = (m: ParseMessage): void => {
    queue.push(m);
    wake?.();
  };
  worker.on('message', (m: ParseMessage) => push(m));
  worker.on('error', (err) => push({ type: 'error', code: 'INTERNAL', message: err.message }));
  worker.on('exit', (code) =>
    push({ type: 'error', code: 'INTERNAL', message: `parser thread exited (code ${code}) before the end of the input` }),
  );
  const next = async (): Promise<ParseMessage> => {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    return queue.shift()!;
  };
  // Keeps CHUNKS_AHEAD decoded evidence chunks queued for the parser (the last message is `null`).
  let seq = 0;
  let allSent = false;
  const topUp = (): void => {
    while (!allSent && Atomics.load(c, CHUNKS_SENT) - Atomics.load(c, CHUNKS_TAKEN) < CHUNKS_AHEAD) {
      const stored = chunkAt(db, item.id, seq++);
      if (stored) {
        const data = decodeChunk(row.codec, stored);
        const ab = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
        chunkOut.postMessage({ data: ab } satisfies ChunkMessage, [ab]);
      } else {
        chunkOut.postMessage({ data: null } satisfies ChunkMessage);
        allSent = true;
      }
      Atomics.add(c, CHUNKS_SENT, 1);
      Atomics.notify(c, CHUNKS_SENT);
    }
  };
  const out = opts.out;
  let inTx = false;
  let batchStart = 0;
  let batchChars = 0;
  let committed: Counts = { ...out.counts };
  const begin = (): void => {
    db.exec('BEGIN IMMEDIATE');
    inTx = true;
    if (opts.inlineFts) beginFtsBatch(db);
    batchStart = out.counts.read;
    batchChars = 0;
  };
  const commit = (): void => {
    if (opts.inlineFts) endFtsBatch(db);
    db.exec('COMMIT');
    inTx = false;
    committed = { ...out.counts };
  };
  let info: TextInfo;
  let lastBytes: number;
  let reported = 0;
  try {
    topUp();
    for (;;) {
      const m = await next();
      if (m.type === 'error') throw new MailtrailError(m.code as ErrorCode, m.message);
      if (m.type === 'hungry') {
        topUp();
        continue;
      }
      if (m.type === 'end') {
        info = m.info;
        if (!inTx) begin();
        finishItem(session, item, format, info, m.mailbox, out.counts);
        commit();
        break;
      }
      if (opts.signal?.aborted) throw new MailtrailError('CANCELLED', `import of evidence ${item.id} cancelled`);
      if (!inTx) begin();
      let e = 0;
      let r = 0;
      for (let i = 0; i < m.order.length; i++) {
        if (m.order.charCodeAt(i) === 101) {
          const ev = m.events[e++]!;
          out.event(ev.index, ev, ev.attrsJson, ev.enrichment);
        } else {
          const rj = m.rejects[r++]!;
          out.reject(rj.index, rj.location, rj.reason, rj.raw);
        }
      }
      Atomics.add(c, CONSUMED, 1);
      Atomics.notify(c, CONSUMED);
      topUp();
      batchChars += m.chars;
      lastBytes = m.bytes;
      if (out.counts.read - batchStart >= opts.batchRecords || batchChars >= opts.batchChars) commit();
      if (out.counts.read - reported >= PROGRESS_EVERY) {
        reported = out.counts.read;
        opts.onProgress?.({ records: out.counts.read, bytes: lastBytes });
      }
    }
    opts.onProgress?.({ records: out.counts.read, bytes: item.bytes });
  } catch (err) {
    if (inTx) db.exec('ROLLBACK');
    // What the writer counted but rolled back was never written.
    Object.assign(out.counts, committed);
    throw err;
  } finally {
    worker.removeAllListeners('exit');
    chunkOut.close();
    await worker.terminate();
  }
}
