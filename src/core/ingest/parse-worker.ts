/**
 * Entry of the parse thread (bundled as its own file, like the job worker; see `parse-thread.ts`):
 * takes the stored chunks of a sealed evidence item as the writing thread hands them over, decodes,
 * parses and normalizes the records, and posts them in order, serialised ({@link pushEvent}), back.
 * At most `maxInFlight` messages are unconsumed at any time (the writer acknowledges each through
 * shared memory) and the writer keeps a few chunks ahead, so memory stays flat whatever the size of
 * the item. The thread never opens the case.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { MailtrailError } from '../../shared/errors';
import type { NormalizedEvent } from '../../shared/model/event';
import { decodeChunk } from '../evidence/codec';
import type { NormalizeContext } from '../normalize/event';
import { CONTROL, type ChunkMessage, type ParseThreadInit, type ParseThreadMessage } from './parse-protocol';
import { parserFor, prepareEvent, UnreadableEvidenceError, type RecordTarget } from './record-parsers';
import { pushEvent, pushReject } from './record-wire';
import { TextReader, type TextInfo } from './text';

if (!parentPort) throw new Error('ingest/parse-worker.ts must run in a worker thread');
const port: MessagePort = parentPort;
const init = workerData as ParseThreadInit;
const control = new Int32Array(init.control);

class Stopped extends Error {}

/** Collects serialised records into messages and posts them with back-pressure. */
class WireTarget implements RecordTarget {
  private buf: unknown[] = [];
  private records = 0;
  private chars = 0;
  private sent = 0;
  bytes = 0;

  constructor(private readonly info: TextInfo) {}

  event(index: number, _location: string, ev: NormalizedEvent): void {
    // Same final touches as the single-thread path (`DirectTarget`): identity from content, bad UTF-8.
    const ready = prepareEvent(ev, this.info.invalidUtf8);
    if ('reason' in ready) return this.reject(index, _location, ready.reason, ev.raw);
    pushEvent(this.buf, index, ev, ready.attrsJson);
    this.count(ev.raw.length);
  }

  reject(index: number, location: string, reason: string, raw: string | null): void {
    pushReject(this.buf, index, location, reason, raw);
    this.count(raw?.length ?? 0);
  }

  private count(chars: number): void {
    this.records++;
    this.chars += chars;
    if (this.records >= init.messageRecords || this.chars >= init.messageChars) this.flush();
  }

  /** Posts what is collected, then waits while too many messages are unconsumed. */
  flush(): void {
    if (this.records > 0) {
      post({ type: 'batch', recs: this.buf, records: this.records, chars: this.chars, bytes: this.bytes });
      this.sent++;
      this.buf = [];
      this.records = 0;
      this.chars = 0;
    }
    for (;;) {
      if (Atomics.load(control, CONTROL.stop) !== 0) throw new Stopped();
      const consumed = Atomics.load(control, CONTROL.consumed);
      if (this.sent - consumed < init.maxInFlight) return;
      Atomics.wait(control, CONTROL.consumed, consumed, 1000);
    }
  }
}

function post(m: ParseThreadMessage): void {
  port.postMessage(m);
}

/** The next stored chunk from the writer (null after the last), waiting for it when none is here. */
function nextStored(): Buffer | null {
  let asked = false;
  for (;;) {
    const m = receiveMessageOnPort(port) as { message: ChunkMessage } | undefined;
    if (m) {
      Atomics.add(control, CONTROL.chunksTaken, 1);
      return m.message.data === null ? null : Buffer.from(m.message.data.buffer, m.message.data.byteOffset, m.message.data.byteLength);
    }
    if (Atomics.load(control, CONTROL.stop) !== 0) throw new Stopped();
    const sent = Atomics.load(control, CONTROL.chunksSent);
    if (sent > Atomics.load(control, CONTROL.chunksTaken)) continue; // posted, about to arrive
    if (!asked) {
      post({ type: 'need' });
      asked = true;
    }
    Atomics.wait(control, CONTROL.chunksSent, sent, 1000);
  }
}

function main(): void {
  const reader = new TextReader(() => {
    const stored = nextStored();
    return stored === null ? null : decodeChunk(init.codec, stored);
  });
  const ctx: NormalizeContext = { raw: '', mailbox: init.mailbox, observedAtUs: init.observedAtUs, dateOrder: init.dateOrder };
  const target = new WireTarget(reader.info);
  const parser = parserFor(init.format, ctx, target);
  for (let c = reader.next(); c !== null; c = reader.next()) {
    if (Atomics.load(control, CONTROL.stop) !== 0) throw new Stopped();
    target.bytes = c.bytes;
    parser.push(c.text);
  }
  parser.end();
  target.flush();
  post({ type: 'end', info: { ...reader.info }, mailbox: ctx.mailbox, bytes: target.bytes, signals: parser.signals });
}

try {
  main();
} catch (err) {
  if (!(err instanceof Stopped)) {
    post({
      type: 'error',
      unreadable: err instanceof UnreadableEvidenceError,
      code: err instanceof MailtrailError ? err.code : 'INTERNAL',
      message: (err as Error).message,
    });
  }
} finally {
  port.close();
}
