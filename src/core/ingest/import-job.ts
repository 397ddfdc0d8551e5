/** The `import` job: {@link importPaths} inside a worker thread, progress in the shared `Progress` shape. */
import type { FormatId, ImportReport } from '../../shared/model/ingest';
import type { JobHandler } from '../jobs/types';
import type { DateOrder } from '../normalize/time';
import { importPaths } from './import-paths';

/** Input of the import job (structured-cloneable). */
export interface ImportJobInput {
  paths: string[];
  format?: FormatId;
  mailbox?: string;
  /** Passwords for encrypted zip members (never journaled or stored). */
  archivePasswords?: string[];
  /** The order of locale dates that read both ways (older Entra sign-in CSV). */
  dateOrder?: DateOrder;
  /** Records per write transaction (tuning). */
  batchRecords?: number;
}

/** Runs an import in the job's own case connection; progress is throttled to ~10 events/s. */
export const importJob: JobHandler<ImportJobInput, ImportReport> = async (input, ctx) => {
  let last = 0;
  return importPaths(ctx.session, input.paths, {
    format: input.format,
    mailbox: input.mailbox,
    archivePasswords: input.archivePasswords,
    dateOrder: input.dateOrder,
    batchRecords: input.batchRecords,
    signal: ctx.signal,
    onProgress: (p) => {
      const now = Date.now();
      if (p.phase !== 'indexing' && now - last < 100) return;
      last = now;
      ctx.progress({
        phase: p.phase,
        done: p.phase === 'parsing' ? p.records : p.totalBytesDone,
        total: p.phase === 'parsing' ? null : p.totalBytes,
        unit: p.phase === 'parsing' ? 'records' : 'bytes',
        detail: p.path,
      });
    },
  });
};
