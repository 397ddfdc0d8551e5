/**
 * The typed contract between the UI and the core: the only place channel names exist.
 *
 * Each channel (`area:verb`) declares a zod input schema (validated in `main/ipc.ts` and the
 * loopback host before the core sees it) and an output type. Push events (progress, prompts) are
 * declared in {@link pushEvents}. `createCore()` must satisfy {@link CoreHandlers}, so adding a
 * channel here without a handler is a compile error.
 */
import { z } from 'zod';
import type { CaseInfo } from '../model/case';
import type { JournalEntry, VerifyResult } from '../model/custody';
import type { Progress } from '../model/progress';
import type { ErrorPayload } from '../errors';

/** Declares a channel's output type without a runtime schema (outputs come from our own core). */
function returns<T>(): T {
  return undefined as unknown as T;
}

/** IANA zone names are validated by the core with `Intl`; here only their shape. */
const timeZone = z.string().min(1).max(64);
const filePath = z.string().min(1).max(4096);
const passphrase = z.string().min(1).max(1024);

/** Channel declarations. Keep entries sorted by area. */
export const contract = {
  /** Create a new encrypted case file and open it. */
  'case:create': {
    input: z.object({
      file: filePath,
      name: z.string().trim().min(1).max(200),
      examiner: z.string().trim().min(1).max(200),
      number: z.string().trim().max(100).optional(),
      timeZone: timeZone.optional(),
      passphrase,
      force: z.boolean().optional(),
    }),
    output: returns<CaseInfo>(),
  },
  /** Open an existing case file (closing any open one). */
  'case:open': {
    input: z.object({ file: filePath, passphrase, examiner: z.string().trim().min(1).max(200).optional() }),
    output: returns<CaseInfo>(),
  },
  /** Describe the open case. */
  'case:info': {
    input: z.object({}).strict(),
    output: returns<CaseInfo>(),
  },
  /** Close the open case, if any. */
  'case:close': {
    input: z.object({}).strict(),
    output: returns<{ closed: boolean }>(),
  },
  /** A page of the custody journal, newest last. */
  'custody:list': {
    input: z.object({
      afterSeq: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    output: returns<{ entries: JournalEntry[]; total: number }>(),
  },
  /** Recompute the journal chain and every evidence hash of the open case. */
  'custody:verify': {
    input: z.object({}).strict(),
    output: returns<VerifyResult>(),
  },
} as const;

/** Events the core pushes to the UI, with their payload types. */
export const pushEvents = {
  /** Progress of any long operation. */
  'job:progress': returns<Progress>(),
} as const;

/** A channel name. */
export type Channel = keyof typeof contract;
/** A push event name. */
export type PushEvent = keyof typeof pushEvents;
/** What a caller passes (before schema defaults and transforms). */
export type ChannelInput<C extends Channel> = z.input<(typeof contract)[C]['input']>;
/** What a handler receives (after validation). */
export type ChannelArgs<C extends Channel> = z.output<(typeof contract)[C]['input']>;
/** What a handler resolves to. */
export type ChannelOutput<C extends Channel> = (typeof contract)[C]['output'];
/** Payload of a push event. */
export type PushPayload<E extends PushEvent> = (typeof pushEvents)[E];

/** Every channel's handler; `createCore()` returns an object satisfying this type. */
export type CoreHandlers = {
  [C in Channel]: (input: ChannelArgs<C>) => Promise<ChannelOutput<C>>;
};

/** The channel names, for allow-lists (preload, loopback host). */
export const CHANNELS = Object.freeze(Object.keys(contract)) as readonly Channel[];
/** The push event names, for allow-lists. */
export const PUSH_EVENTS = Object.freeze(Object.keys(pushEvents)) as readonly PushEvent[];

/** True when `name` is a declared channel. */
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** True when `name` is a declared push event. */
export function isPushEvent(name: unknown): name is PushEvent {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(pushEvents, name);
}

/** The envelope every invocation resolves to on the wire (IPC or loopback HTTP). */
export type WireResult<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/** What the renderer sees as `window.api`, identical in Electron and the loopback host. */
export interface MailtrailApi {
  /** Calls a channel; rejects with an `Error` whose `code` property carries the error code. */
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** Subscribes to a push event; returns the unsubscribe function. */
  on<E extends PushEvent>(event: E, listener: (payload: PushPayload<E>) => void): () => void;
}
