/**
 * The single entry file of every job worker thread (bundle it as one file; see `runner.ts`):
 * opens its own connection to the case (never cleaning up other connections' staging data), runs
 * the job named in `workerData`, forwards progress, honours cancellation, reports the result.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors';
import { openCase } from '../case/case-file';
import { JOBS, type JobKind } from './registry';
import type { JobContext, RunnerMessage, WorkerInit, WorkerMessage } from './types';

if (!parentPort) throw new Error('jobs/worker.ts must run in a worker thread');
const port: MessagePort = parentPort;
const init = workerData as WorkerInit;
const controller = new AbortController();
const post = (m: WorkerMessage): void => port.postMessage(m);
port.on('message', (m: RunnerMessage) => {
  if (m.type === 'cancel') controller.abort();
});

async function main(): Promise<void> {
  const job = JOBS[init.kind as JobKind] as ((input: unknown, ctx: JobContext) => Promise<unknown>) | undefined;
  if (!job) throw new Error(`unknown job kind ${init.kind}`);
  const session = openCase({ ...init.caseRef, cleanupIncomplete: false });
  try {
    const result = await job(init.input, {
      jobId: init.jobId,
      session,
      signal: controller.signal,
      progress: (progress) => post({ type: 'progress', progress }),
    });
    post({ type: 'done', result });
  } finally {
    session.close();
  }
}

main().then(
  () => port.close(),
  (err: unknown) => {
    const e = toErrorPayload(err);
    post({ type: 'error', error: { code: e.code, message: e.message } });
    port.close();
  },
);
