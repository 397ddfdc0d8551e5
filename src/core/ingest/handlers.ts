/**
 * Contract handlers of the import (`import:*`, `evidence:list`, `quarantine:list`), wired into
 * `createCore()`. `import:start` runs in a worker thread with its own case connection.
 */
import { MailtrailError } from '../../shared/errors';
import type { ChannelArgs, ChannelOutput, PushEvent, PushPayload } from '../../shared/ipc/contract';
import type { CaseSession } from '../case/case-file';
import { runJob } from '../jobs/runner';
import { listQuarantine } from '../store/ingest-repo';
import { warningsByEvidence } from './case-completeness';
import { FORMAT_INFO } from './format-info';

type Emit = <E extends PushEvent>(event: E, payload: PushPayload<E>) => void;

/** Builds the import handlers over the core's open case. */
export function importHandlers(requireCase: () => CaseSession, emit: Emit) {
  const running = new Map<string, AbortController>();
  return {
    'evidence:list': async (): Promise<ChannelOutput<'evidence:list'>> => {
      const s = requireCase();
      const warnings = warningsByEvidence(s.db);
      return {
        items: s.evidence
          .list()
          .map((item) => ({ ...item, sightings: s.evidence.sightings(item.id), warnings: warnings.get(item.id) ?? [] })),
      };
    },
    'import:formats': async (): Promise<ChannelOutput<'import:formats'>> => ({ formats: [...FORMAT_INFO] }),
    'import:start': async (input: ChannelArgs<'import:start'>): Promise<ChannelOutput<'import:start'>> => {
      const session = requireCase();
      if (session.readOnly) throw new MailtrailError('UNSUPPORTED', 'the case is open read-only');
      // One import at a time: two writers would only queue on the case's write lock.
      const other = [...running.keys()][0];
      if (other !== undefined) throw new MailtrailError('EXISTS', `an import is already running (job ${other})`);
      const controller = new AbortController();
      running.set(input.jobId, controller);
      try {
        return await runJob(
          session,
          'import',
          {
            paths: input.paths,
            ...(input.format ? { format: input.format } : {}),
            ...(input.mailbox ? { mailbox: input.mailbox } : {}),
            ...(input.archivePasswords?.length ? { archivePasswords: input.archivePasswords } : {}),
            ...(input.dateOrder ? { dateOrder: input.dateOrder } : {}),
          },
          { jobId: input.jobId, signal: controller.signal, onProgress: (p) => emit('import:progress', p) },
        );
      } finally {
        running.delete(input.jobId);
      }
    },
    'import:cancel': async (input: ChannelArgs<'import:cancel'>): Promise<ChannelOutput<'import:cancel'>> => {
      const c = running.get(input.jobId);
      if (!c) return { cancelled: false };
      c.abort();
      return { cancelled: true };
    },
    'quarantine:list': async (input: ChannelArgs<'quarantine:list'>): Promise<ChannelOutput<'quarantine:list'>> =>
      listQuarantine(requireCase().db, input),
  };
}
