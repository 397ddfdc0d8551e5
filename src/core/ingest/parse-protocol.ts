/** Shapes shared by the parse thread (`parse-worker.ts`) and the writing thread (`parse-thread.ts`). */
import type { FormatId } from '../../shared/model/ingest';
import type { EvidenceCodec } from '../evidence/codec';
import type { DateOrderSurvey } from '../normalize/time';
import type { CompletenessSignals } from './completeness';
import type { TextInfo } from './text';

/** Slots of the shared `Int32Array` the threads coordinate through. */
export const CONTROL = {
  /** Batch messages the writer has consumed (the parser keeps at most `maxInFlight` ahead of it). */
  consumed: 0,
  /** Set by the writer: stop parsing now (cancelled, failed). */
  stop: 1,
  /** Evidence chunks the writer has posted to the parser. */
  chunksSent: 2,
  /** Evidence chunks the parser has taken. */
  chunksTaken: 3,
} as const;

/** Number of control slots. */
export const CONTROL_SLOTS = 4;

/**
 * `workerData` of a parse thread. It holds no database connection: the writer reads the stored
 * chunks inside its own transactions and hands them over (an encrypted case in rollback-journal mode
 * locks readers out while a writer commits, and for good once its dirty pages spill).
 */
export interface ParseThreadInit {
  /** Codec of the stored chunks (decoded in the parse thread). */
  codec: EvidenceCodec;
  format: FormatId;
  mailbox: string | null;
  observedAtUs: number;
  /** What the file's locale dates show of their order, surveyed before parsing (`date-order.ts`). */
  dateOrder: DateOrderSurvey | null;
  /** `SharedArrayBuffer` of {@link CONTROL_SLOTS} int32. */
  control: SharedArrayBuffer;
  /** Most messages posted and not yet consumed. */
  maxInFlight: number;
  /** A message is posted at this many records or raw characters, whichever comes first. */
  messageRecords: number;
  messageChars: number;
}

/** Messages from the writer: the item's stored chunks in order, `data: null` after the last. */
export interface ChunkMessage {
  data: Buffer | null;
}

/** Messages from the parse thread, in order: batches, then one `end` or one `error`. */
export type ParseThreadMessage =
  | {
      type: 'batch';
      /** Serialised records (`record-wire.ts`). */
      recs: unknown[];
      records: number;
      /** Raw characters of the records (the writer's batch limit counts them). */
      chars: number;
      /** Input bytes consumed up to the end of the last record. */
      bytes: number;
    }
  /** Every chunk sent so far is taken and the parser waits for the next. */
  | { type: 'need' }
  | { type: 'end'; info: TextInfo; mailbox: string | null; bytes: number; signals: CompletenessSignals }
  | { type: 'error'; unreadable: boolean; code: string; message: string };
