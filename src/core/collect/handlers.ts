/**
 * The contract handlers of collection (`collect:start`, `collect:cancel`, `collect:runs`), wired into
 * `createCore()`. The collection runs as a `collect` job in a worker thread with its own case
 * connection (the UI's connection stays responsive); one collection at a time per core; progress and
 * the device-code prompt are pushed as events.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MailtrailError } from '../../shared/errors';
import type { ChannelArgs, ChannelOutput, PushEvent, PushPayload } from '../../shared/ipc/contract';
import type { CaseSession } from '../case/case-file';
import { runJob } from '../jobs/runner';
import { listCollectionGaps, listCollectionRuns } from '../store/collect-repo';
import { decodeCollectProgress, type JobAuth } from './collect-job';
import { parseInstantUs } from './instant';

type Emit = <E extends PushEvent>(event: E, payload: PushPayload<E>) => void;

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new MailtrailError('INVALID_INPUT', `${what}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Builds the collection handlers over the core's open case. */
export function collectHandlers(requireCase: () => CaseSession, emit: Emit) {
  let running: { jobId: string; controller: AbortController } | null = null;
  return {
    'collect:start': async (input: ChannelArgs<'collect:start'>): Promise<ChannelOutput<'collect:start'>> => {
      const session = requireCase();
      if (session.readOnly) throw new MailtrailError('UNSUPPORTED', 'cannot collect into a case opened read-only');
      if (running) throw new MailtrailError('EXISTS', `a collection is already running (job ${running.jobId})`);
      const jobId = input.jobId ?? randomUUID();
      const auth: JobAuth =
        input.auth.mode === 'certificate'
          ? {
              mode: 'certificate',
              certPem: readPem(input.auth.certFile, 'certificate'),
              keyPem: readPem(input.auth.keyFile, 'private key'),
            }
          : input.auth.mode === 'secret'
            ? { mode: 'secret', secret: input.auth.secret }
            : { mode: 'device-code' };
      const controller = new AbortController();
      running = { jobId, controller };
      try {
        return await runJob(
          session,
          'collect',
          {
            auth,
            request: {
              tenant: input.tenant,
              clientId: input.clientId,
              sources: input.sources,
              users: input.users,
              fromUs: input.from ? parseInstantUs(input.from, 'from') : undefined,
              toUs: input.to ? parseInstantUs(input.to, 'to') : undefined,
              cloud: input.cloud,
              hosts: input.hosts,
              caPem: input.caFile ? readPem(input.caFile, 'CA file') : undefined,
              resume: input.resume,
            },
          },
          {
            jobId,
            signal: controller.signal,
            onProgress: (p) => {
              const decoded = decodeCollectProgress(p);
              if (decoded?.event === 'collect:device-code') emit('collect:device-code', decoded.payload);
              else if (decoded?.event === 'collect:progress') emit('collect:progress', decoded.payload);
            },
          },
        );
      } finally {
        running = null;
      }
    },
    'collect:cancel': async (input: ChannelArgs<'collect:cancel'>): Promise<ChannelOutput<'collect:cancel'>> => {
      if (!running || (input.jobId && input.jobId !== running.jobId)) return { cancelled: false };
      running.controller.abort();
      return { cancelled: true };
    },
    'collect:runs': async (): Promise<ChannelOutput<'collect:runs'>> => {
      const db = requireCase().db;
      return { runs: listCollectionRuns(db), gaps: listCollectionGaps(db) };
    },
  };
}
