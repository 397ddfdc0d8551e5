/**
 * Records on their way from the parse thread to the writing thread: one flat array per message
 * (a record is a run of primitives, no object per record), so structured cloning copies strings and
 * little else. Events carry `attrs` already serialised (the parse thread pays for `JSON.stringify`).
 */
import type { NormalizedEvent } from '../../shared/model/event';

/** First slot of a record: what follows. */
const EVENT = 0;
const REJECT = 1;

/** Slots per event: tag, index, 19 event fields, raw, attrs JSON. */
export const EVENT_SLOTS = 22;
/** Slots per rejected record: tag, index, location, reason, raw. */
export const REJECT_SLOTS = 5;

/** Appends an event (with `recordKey` already set) and its serialised `attrs` to a message buffer. */
export function pushEvent(out: unknown[], index: number, ev: Omit<NormalizedEvent, 'attrs'>, attrsJson: string): void {
  out.push(
    EVENT,
    index,
    ev.tsUs,
    ev.source,
    ev.recordType,
    ev.operation,
    ev.category,
    ev.actor,
    ev.mailbox,
    ev.clientIp,
    ev.userAgent,
    ev.clientApp,
    ev.appId,
    ev.sessionId,
    ev.tokenId,
    ev.deviceId,
    ev.result,
    ev.object,
    ev.summary,
    ev.recordKey,
    ev.raw,
    attrsJson,
  );
}

/** Appends a record that could not be read or normalized. */
export function pushReject(out: unknown[], index: number, location: string, reason: string, raw: string | null): void {
  out.push(REJECT, index, location, reason, raw);
}

/** Receives the records of a message, in order. */
export interface WireSink {
  event(index: number, ev: Omit<NormalizedEvent, 'attrs'>, attrsJson: string): void;
  reject(index: number, location: string, reason: string, raw: string | null): void;
}

/** Replays a message buffer into `sink`. */
export function readRecords(buf: readonly unknown[], sink: WireSink): void {
  let i = 0;
  while (i < buf.length) {
    if (buf[i] === EVENT) {
      const ev: Omit<NormalizedEvent, 'attrs'> = {
        tsUs: buf[i + 2] as number,
        source: buf[i + 3] as NormalizedEvent['source'],
        recordType: buf[i + 4] as string | null,
        operation: buf[i + 5] as string,
        category: buf[i + 6] as NormalizedEvent['category'],
        actor: buf[i + 7] as string | null,
        mailbox: buf[i + 8] as string | null,
        clientIp: buf[i + 9] as string | null,
        userAgent: buf[i + 10] as string | null,
        clientApp: buf[i + 11] as string | null,
        appId: buf[i + 12] as string | null,
        sessionId: buf[i + 13] as string | null,
        tokenId: buf[i + 14] as string | null,
        deviceId: buf[i + 15] as string | null,
        result: buf[i + 16] as string | null,
        object: buf[i + 17] as string | null,
        summary: buf[i + 18] as string,
        recordKey: buf[i + 19] as string | null,
        raw: buf[i + 20] as string,
      };
      sink.event(buf[i + 1] as number, ev, buf[i + 21] as string);
      i += EVENT_SLOTS;
    } else {
      sink.reject(buf[i + 1] as number, buf[i + 2] as string, buf[i + 3] as string, buf[i + 4] as string | null);
      i += REJECT_SLOTS;
    }
  }
}
