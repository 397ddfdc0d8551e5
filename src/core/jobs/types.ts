/** Shapes shared by the job runner, the worker entry and job implementations. */
import type { Progress } from '../../shared/model/progress';
import type { CaseSession } from '../case/case-file';

/** What a job receives inside the worker. */
export interface JobContext {
  jobId: string;
  /** The worker's own connection to the case. */
  session: CaseSession;
  /** Aborted when the job is cancelled. */
  signal: AbortSignal;
  /** Reports progress (throttle it: every call crosses threads). */
  progress(p: Omit<Progress, 'jobId'>): void;
}

/** A job implementation: runs in the worker, returns a structured-cloneable result. */
export type JobHandler<I, O> = (input: I, ctx: JobContext) => Promise<O>;

/** Messages from the worker to the runner. */
export type WorkerMessage =
  | { type: 'progress'; progress: Omit<Progress, 'jobId'> }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code: string; message: string } };

/** Messages from the runner to the worker. */
export type RunnerMessage = { type: 'cancel' };

/** `workerData` of a job worker. The passphrase stays in memory (structured clone between threads). */
export interface WorkerInit {
  jobId: string;
  kind: string;
  input: unknown;
  caseRef: { file: string; passphrase: string; examiner: string };
}
