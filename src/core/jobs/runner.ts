/**
 * Runs heavy work (import now; collection and verification can join) in a `worker_threads` Worker
 * with its own connection to the case, so the UI's connection stays responsive. Progress arrives
 * as events, an `AbortSignal` cancels, errors come back as {@link MailtrailError}s.
 *
 * Worker entry: `worker.ts` beside this file. Under tsx and vitest this file is TypeScript, so the
 * thread starts with a tiny bootstrap that registers tsx's loader (Node 20 ignores `--import` in a
 * worker's `execArgv`) and imports `worker.ts`; a bundled build (`*.js`) uses `worker.js` beside it,
 * or the file given to {@link setJobWorkerEntry} (the Electron main bundle sets its emitted worker).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MailtrailError, type ErrorCode } from '../../shared/errors';
import type { Progress } from '../../shared/model/progress';
import type { CaseSession } from '../case/case-file';
import type { JobKind, JobTypes } from './registry';
import type { RunnerMessage, WorkerInit, WorkerMessage } from './types';

let workerEntry: string | null = null;

/** Overrides the worker entry file (absolute path), e.g. the bundled `worker.js` of the Electron build. */
export function setJobWorkerEntry(file: string | null): void {
  workerEntry = file;
}

/** How to start the worker: a bundled JavaScript file, or the TypeScript source through tsx. */
export type WorkerStart = { kind: 'file'; file: string } | { kind: 'tsx'; source: string; tsxApi: string };

/** tsx's ESM register API (its CommonJS twin cannot load the ESM hooks from a worker). */
function tsxEsmApi(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const mjs = cjs.replace(/\.cjs$/, '.mjs');
  return existsSync(mjs) ? mjs : cjs;
}

/** The worker entry in effect. */
export function resolveWorkerEntry(): WorkerStart {
  const tsx = (file: string): WorkerStart => ({
    kind: 'tsx',
    source: pathToFileURL(file).href,
    tsxApi: pathToFileURL(tsxEsmApi()).href,
  });
  if (workerEntry) return workerEntry.endsWith('.ts') ? tsx(workerEntry) : { kind: 'file', file: workerEntry };
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return tsx(fileURLToPath(new URL('./worker.ts', import.meta.url)));
  const js = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (!existsSync(js)) throw new MailtrailError('INTERNAL', `job worker not found at ${js} (call setJobWorkerEntry)`);
  return { kind: 'file', file: js };
}

/** Starts a worker thread on the entry (TypeScript sources go through `tsx-bootstrap.mjs`). */
function startWorker(entry: WorkerStart, workerData: WorkerInit): Worker {
  if (entry.kind === 'file') return new Worker(entry.file, { workerData });
  const boot = fileURLToPath(new URL('./tsx-bootstrap.mjs', import.meta.url));
  return new Worker(boot, { workerData: { ...workerData, tsxApi: entry.tsxApi, entry: entry.source } });
}

/** Options of {@link runJob}. */
export interface RunJobOptions {
  jobId: string;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: Progress) => void) | undefined;
}

/**
 * Runs a job in a worker thread against the session's case file.
 * @returns the job's result; rejects with the job's error (`CANCELLED` when aborted).
 */
export function runJob<K extends JobKind>(
  session: CaseSession,
  kind: K,
  input: JobTypes[K]['input'],
  opts: RunJobOptions,
): Promise<JobTypes[K]['output']> {
  const entry = resolveWorkerEntry();
  const init: WorkerInit = { jobId: opts.jobId, kind, input, caseRef: session.secondConnection() };
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new MailtrailError('CANCELLED', `job ${opts.jobId} cancelled`));
      return;
    }
    const worker = startWorker(entry, init);
    let settled = false;
    const onAbort = (): void => worker.postMessage({ type: 'cancel' } satisfies RunnerMessage);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.({ jobId: opts.jobId, ...m.progress });
      else if (m.type === 'done') finish(() => resolve(m.result as JobTypes[K]['output']));
      else finish(() => reject(new MailtrailError(m.error.code as ErrorCode, m.error.message)));
    });
    worker.on('error', (err) => finish(() => reject(new MailtrailError('INTERNAL', `job ${opts.jobId} failed: ${err.message}`))));
    worker.on('exit', (code) =>
      finish(() => reject(new MailtrailError('INTERNAL', `job ${opts.jobId} worker exited with code ${code} before reporting a result`))),
    );
  });
}
