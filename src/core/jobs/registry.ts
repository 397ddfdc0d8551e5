/**
 * Every job a worker can run, by kind. Add an entry (additively) for new heavy work: the worker
 * entry imports this file statically, so a bundler sees every job.
 */
import type { ImportReport } from '../../shared/model/ingest';
import { importJob, type ImportJobInput } from '../ingest/import-job';
import { collectJob, type CollectJobInput } from '../collect/collect-job';
import type { CollectResult } from '../../shared/model/collection';
import type { JobHandler } from './types';

/** Job kinds with their input and output types. */
export interface JobTypes {
  import: { input: ImportJobInput; output: ImportReport };
  collect: { input: CollectJobInput; output: CollectResult };
}

/** A job kind. */
export type JobKind = keyof JobTypes;

/** The implementations. */
export const JOBS: { [K in JobKind]: JobHandler<JobTypes[K]['input'], JobTypes[K]['output']> } = {
  import: importJob,
  collect: collectJob,
};
