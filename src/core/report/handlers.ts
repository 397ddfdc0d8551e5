/**
 * Contract handlers for the report, the event exports and sealed packages (`report:export`,
 * `export:events`, `package:export`, `package:verify`). Spread into `createCore()`'s handlers.
 */
import type { ChannelArgs, CoreHandlers, PushEvent, PushPayload } from '../../shared/ipc/contract';
import type { EventsExport, PackageExport, PackageVerification, ReportExport } from '../../shared/model/export';
import type { CaseSession } from '../case/case-file';
import { verifyPackage } from '../package/verify-package';
import { writePackage } from '../package/write-package';
import { exportEvents } from './export/export-events';
import { exportReport } from './export-report';

type Channels = 'report:export' | 'export:events' | 'package:export' | 'package:verify';

/** The handlers, given access to the open case and the push channel. */
export function reportHandlers(
  requireCase: () => CaseSession,
  emit: <E extends PushEvent>(event: E, payload: PushPayload<E>) => void,
): Pick<CoreHandlers, Channels> {
  return {
    'report:export': async (input: ChannelArgs<'report:export'>): Promise<ReportExport> => {
      const r = await exportReport(requireCase(), {
        out: input.out,
        timeZone: input.tz,
        onlyTagged: input.onlyTagged,
        tags: input.tags,
        force: input.force,
      });
      return { path: r.out, bytes: r.bytes, sha256: r.sha256, pages: r.pages, head: r.head, timeZone: r.timeZone };
    },
    'export:events': async (input: ChannelArgs<'export:events'>): Promise<EventsExport> => {
      const r = await exportEvents(requireCase(), {
        out: input.out,
        format: input.format,
        query: input.query,
        onlyTagged: input.onlyTagged,
        force: input.force,
      });
      return { path: r.out, bytes: r.bytes, sha256: r.sha256, format: r.format, events: r.events, indicators: r.indicators };
    },
    'package:export': async (input: ChannelArgs<'package:export'>): Promise<PackageExport> => {
      const jobId = input.jobId ?? 'package';
      const r = await writePackage(requireCase(), {
        out: input.out,
        signKeyPem: input.signKeyPem,
        signKeyPassphrase: input.signKeyPassphrase,
        reportTimeZone: input.tz,
        force: input.force,
        onProgress: (done, total, phase) => emit('job:progress', { jobId, phase, done, total, unit: 'bytes' }),
      });
      return {
        path: r.out,
        bytes: r.bytes,
        sha256: r.sha256,
        manifestSha256: r.manifestSha256,
        journal: r.journal,
        members: r.members,
        signature: r.signature,
      };
    },
    'package:verify': async (input: ChannelArgs<'package:verify'>): Promise<PackageVerification> => {
      const r = await verifyPackage(input.file, { publicKeyPem: input.publicKeyPem, passphrase: input.passphrase });
      return r;
    },
  };
}
