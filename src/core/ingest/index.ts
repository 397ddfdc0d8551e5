/**
 * Offline import (issue 3): detect → stream-parse → normalize → write, for every Microsoft 365
 * export format (see `docs/formats.md`). Collection hands stored responses to
 * {@link ingestEvidence} too: one code path for a record, whether it came from a file or a response.
 */
export {
  FORMAT_IDS,
  isFormatId,
  type FormatId,
  type FormatInfo,
  type ImportFileResult,
  type ImportReport,
  type IngestSummary,
  type QuarantineItem,
} from '../../shared/model/ingest';
export { FORMAT_INFO, formatInfo } from './format-info';
export { ingestEvidence, BATCH_RECORDS, UnreadableEvidenceError, type IngestOptions } from './ingest-evidence';
export { importPaths, type ImportPathsOptions, type ImportProgress } from './import-paths';
export { detectFormat, isCsvFormat } from './detect';
export { importHandlers } from './handlers';
