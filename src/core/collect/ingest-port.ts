/**
 * How collection hands a stored response to the import pipeline: the same normalizers and the same
 * dedupe as file imports (one code path for a record, whether it came from a file or a response).
 */
import { MailtrailError } from '../../shared/errors';
import type { CaseSession } from '../case/case-file';
import { ingestEvidence, isFormatId } from '../ingest';

/** What parsing one stored response produced. */
export interface IngestCounts {
  read: number;
  imported: number;
  duplicates: number;
  quarantined: number;
  /** Of the duplicates, those whose fuller copy replaced the case's (`IngestSummary.upgraded`). */
  upgraded: number;
}

/** Parses a stored evidence item with a given format. */
export type IngestFn = (
  session: CaseSession,
  evidenceId: number,
  options: { format: string; mailbox?: string | undefined; signal?: AbortSignal | undefined },
) => Promise<IngestCounts>;

/**
 * The import pipeline's entry point, as collection uses it. The full-text index is built once at
 * the end of the run (`indexPendingEvents`), not after every small page.
 */
export const ingestResponse: IngestFn = async (session, evidenceId, options) => {
  if (!isFormatId(options.format)) throw new MailtrailError('INTERNAL', `collection asked for an unknown import format ${options.format}`);
  const r = await ingestEvidence(session, evidenceId, {
    format: options.format,
    mailbox: options.mailbox,
    signal: options.signal,
    deferIndex: true,
    checkCompleteness: false,
  });
  return { read: r.read, imported: r.imported, duplicates: r.duplicates, quarantined: r.quarantined, upgraded: r.upgraded };
};
