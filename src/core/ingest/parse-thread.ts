/**
 * The writing thread's side of a parse thread: starts `parse-worker` (bundled as `parse-worker.js`
 * beside this module's chunk, or, under vitest and the tsx-run CLI, its TypeScript source bundled on
 * the fly), feeds it the stored chunks a few ahead,
 * queues its messages, acknowledges each one consumed (back-pressure) and stops it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as Esbuild from 'esbuild';
import { CONTROL, CONTROL_SLOTS, type ChunkMessage, type ParseThreadInit, type ParseThreadMessage } from './parse-protocol';

let entryOverride: string | null = null;

/**
 * Overrides the parse worker file (absolute path; `null` restores the default). For bundles whose
 * chunks do not sit beside `parse-worker.js`, and for tests of the fallback.
 */
export function setParseWorkerEntry(file: string | null): void {
  entryOverride = file;
}

/**
 * A young generation larger than V8's default (16 MiB): parsing allocates short-lived objects at
 * a high rate, and with the default most of the thread's time went to scavenges.
 */
const PARSE_LIMITS = { maxYoungGenerationSizeMb: 64 };

const bundles = new Map<string, string>();

/**
 * The worker's TypeScript source bundled into one CommonJS script by esbuild (the compiler tsx
 * itself runs on), once per process. Starting the source through tsx's loader instead, as the job
 * worker does, costs the thread a loader thread of its own: ≈ 20 MB more peak memory for an import
 * and a slower start.
 */
function bundledSource(entry: string): string {
  let code = bundles.get(entry);
  if (code === undefined) {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof Esbuild;
    const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent' });
    code = out.outputFiles[0]!.text;
    bundles.set(entry, code);
  }
  return code;
}

function startWorker(workerData: ParseThreadInit): Worker {
  const here = fileURLToPath(import.meta.url);
  const ts = entryOverride ?? (here.endsWith('.ts') ? fileURLToPath(new URL('./parse-worker.ts', import.meta.url)) : null);
  if (ts !== null && ts.endsWith('.ts')) {
    return new Worker(bundledSource(ts), { eval: true, workerData, resourceLimits: PARSE_LIMITS });
  }
  const js = ts ?? fileURLToPath(new URL('./parse-worker.js', import.meta.url));
  if (!existsSync(js)) throw new Error(`parse worker not found at ${js}`);
  return new Worker(js, { workerData, resourceLimits: PARSE_LIMITS });
}

/** A running parse thread. */
export class ParseThread {
  private readonly worker: Worker;
  private readonly control: Int32Array;
  private readonly queue: Exclude<ParseThreadMessage, { type: 'need' }>[] = [];
  private waiter: (() => void) | null = null;
  private finished = false;
  private sent = 0;
  private sourceDone = false;

  /**
   * Starts the thread (throws when a worker cannot be created here).
   * @param source the item's stored chunks in order (null after the last), read by this thread
   * @param chunksAhead most chunks handed over and not yet taken by the parser
   */
  constructor(
    init: Omit<ParseThreadInit, 'control'>,
    private readonly source: () => Buffer | null,
    private readonly chunksAhead: number,
  ) {
    const shared = new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(shared);
    this.worker = startWorker({ ...init, control: shared });
    this.worker.on('message', (m: ParseThreadMessage) => this.push(m));
    this.worker.on('error', (err) => this.push({ type: 'error', unreadable: false, code: 'INTERNAL', message: err.message }));
    this.worker.on('exit', (code) => {
      // A thread that ended without `end` or `error` (killed, out of memory) must not leave the writer waiting.
      if (!this.finished) this.push({ type: 'error', unreadable: false, code: 'INTERNAL', message: `parse thread exited (code ${code})` });
    });
  }

  /** Hands over stored chunks until `chunksAhead` are waiting in the parser (call after each message). */
  feed(): void {
    while (!this.sourceDone && this.sent - Atomics.load(this.control, CONTROL.chunksTaken) < this.chunksAhead) {
      const stored = this.source();
      if (stored === null) this.sourceDone = true;
      // Transfer, not copy: better-sqlite3 hands out a buffer of its own for each blob.
      const own = stored !== null && stored.byteOffset === 0 && stored.byteLength === stored.buffer.byteLength;
      const data = stored === null || own ? stored : Buffer.from(stored);
      this.worker.postMessage({ data } satisfies ChunkMessage, data ? [data.buffer as ArrayBuffer] : []);
      this.sent++;
      Atomics.store(this.control, CONTROL.chunksSent, this.sent);
      Atomics.notify(this.control, CONTROL.chunksSent);
    }
  }

  private push(m: ParseThreadMessage): void {
    if (this.finished) return;
    if (m.type === 'need') return this.feed();
    if (m.type !== 'batch') this.finished = true;
    this.queue.push(m);
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** The next message (a batch, then `end` or `error`). */
  async next(): Promise<Exclude<ParseThreadMessage, { type: 'need' }>> {
    while (this.queue.length === 0) await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.queue.shift()!;
  }

  /** Acknowledges a consumed batch (lets the parser post another) and tops up its chunks. */
  ack(): void {
    Atomics.add(this.control, CONTROL.consumed, 1);
    Atomics.notify(this.control, CONTROL.consumed);
    this.feed();
  }

  /** Stops the thread (idempotent). */
  async stop(): Promise<void> {
    this.finished = true;
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.notify(this.control, CONTROL.consumed);
    Atomics.notify(this.control, CONTROL.chunksSent);
    await this.worker.terminate();
  }
}
