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
import { FORMAT_IDS, type EvidenceListEntry, type FormatInfo, type ImportReport, type QuarantineItem } from '../model/ingest';
import type { ErrorPayload } from '../errors';
import {
  EVENT_FIELDS,
  TIMELINE_GROUPS,
  type AnalyzeResult,
  type AnalyzerInfo,
  type EnrichmentSourceRecord,
  type EventComment,
  type EventContextResult,
  type EventDetail,
  type EventPage,
  type Finding,
  type Histogram,
  type PivotResult,
  type QueryCheck,
  type ReenrichSummary,
  type SavedView,
  type SessionSummary,
  type Tag,
  type TagResult,
  type TopValue,
} from '../model/analysis';
import { EVENT_CATEGORIES } from '../model/event';
import { EXPORT_FORMATS, type EventsExport, type PackageExport, type PackageVerification, type ReportExport } from '../model/export';
import {
  CLOUDS,
  COLLECT_SOURCES,
  type CollectionGap,
  type CollectionRun,
  type CollectProgress,
  type CollectResult,
  type DeviceCodePrompt,
} from '../model/collection';
import type { HostInfo, MenuCommand, Prefs, RecentCase } from '../model/app';

/** Declares a channel's output type without a runtime schema (outputs come from our own core). */
function returns<T>(): T {
  return undefined as unknown as T;
}

/** IANA zone names are validated by the core with `Intl`; here only their shape. */
const timeZone = z.string().min(1).max(64);
const filePath = z.string().min(1).max(4096);
const passphrase = z.string().min(1).max(1024);
/** A search-language query (docs/search.md). */
const searchQuery = z.string().max(10000);
/** Integer microseconds since the epoch, UTC. */
const timeUs = z.number().int().min(0).max(4_102_444_800_000_000);
const eventId = z.number().int().min(1);
const eventCursor = z.object({ tsUs: z.number().int(), id: eventId }).strict();
const tagName = z.string().trim().min(1).max(64);
const tagColor = z.string().regex(/^#[0-9a-fA-F]{6}$/);

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
  /**
   * Collect from Microsoft 365 into the open case (or continue the last unfinished run with
   * `resume`). Resolves with the run's per-source summary when it ends; progress arrives as
   * `collect:progress`, a device-code sign-in as `collect:device-code`. Secrets are used in memory
   * only and never stored or journaled.
   */
  'collect:start': {
    input: z
      .object({
        tenant: z.string().trim().min(1).max(253),
        clientId: z
          .string()
          .trim()
          .regex(/^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/),
        auth: z.discriminatedUnion('mode', [
          z.object({ mode: z.literal('device-code') }).strict(),
          z.object({ mode: z.literal('certificate'), certFile: filePath, keyFile: filePath }).strict(),
          z.object({ mode: z.literal('secret'), secret: z.string().min(1).max(2048) }).strict(),
        ]),
        sources: z.array(z.enum(COLLECT_SOURCES)).min(1).max(COLLECT_SOURCES.length).optional(),
        users: z.array(z.string().trim().min(3).max(320)).max(1000).optional(),
        /** ISO 8601 instants (a date means UTC midnight). */
        from: z.string().trim().min(10).max(40).optional(),
        to: z.string().trim().min(10).max(40).optional(),
        cloud: z.enum(CLOUDS).optional(),
        hosts: z
          .object({
            authority: z.string().max(300).optional(),
            graph: z.string().max(300).optional(),
            manage: z.string().max(300).optional(),
            outlook: z.string().max(300).optional(),
          })
          .strict()
          .optional(),
        caFile: filePath.optional(),
        resume: z.boolean().optional(),
        /** Chosen by the UI so it can match progress events and cancel. */
        jobId: z.string().trim().min(1).max(64).optional(),
      })
      .strict(),
    output: returns<CollectResult>(),
  },
  /** Cancels a running collection (the run stays resumable). */
  'collect:cancel': {
    input: z.object({ jobId: z.string().trim().min(1).max(64).optional() }).strict(),
    output: returns<{ cancelled: boolean }>(),
  },
  /** Collection runs of the open case and their open gaps (for the acquisition view and the report). */
  'collect:runs': {
    input: z.object({}).strict(),
    output: returns<{ runs: CollectionRun[]; gaps: CollectionGap[] }>(),
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

  // ---- Offline import (issue 3): files, folders, archives → evidence → events ----
  /** Evidence items of the open case, oldest first, each with its further acquisitions (sightings). */
  'evidence:list': {
    input: z.object({}).strict(),
    output: returns<{ items: EvidenceListEntry[] }>(),
  },
  /**
   * Import files, folders (recursive), `.zip`, `.tar` and `.gz` into the open case, in a worker thread:
   * every input is stored as evidence (raw first), then parsed; progress is pushed as
   * `import:progress` with this `jobId`. Unreadable or unknown files are reported per file.
   */
  'import:start': {
    input: z
      .object({
        jobId: z.string().min(1).max(128),
        paths: z.array(filePath).min(1).max(10_000),
        format: z.enum(FORMAT_IDS).optional(),
        /** Owner of per-mailbox exports (Activities, inbox rules, mailbox settings) that do not name it. */
        mailbox: z.string().trim().min(3).max(320).optional(),
        /**
         * Passwords tried, in order, on encrypted zip members (ZipCrypto, WinZip AES). Held in memory
         * for the import only: never journaled, logged or stored.
         */
        archivePasswords: z.array(z.string().min(1).max(1024)).max(100).optional(),
        /**
         * How to read locale dates that read both ways (`3/4/2026 14:54` in an older Entra sign-in
         * CSV), as the examiner knows from where the file was downloaded. Default: from the file.
         */
        dateOrder: z.enum(['day/month', 'month/day']).optional(),
      })
      .strict(),
    output: returns<ImportReport>(),
  },
  /** Cancel a running import (batches already committed stay; a re-run completes it). */
  'import:cancel': {
    input: z.object({ jobId: z.string().min(1).max(128) }).strict(),
    output: returns<{ cancelled: boolean }>(),
  },
  /** The input formats the importer reads, with labels and descriptions. */
  'import:formats': {
    input: z.object({}).strict(),
    output: returns<{ formats: FormatInfo[] }>(),
  },
  /** A page of quarantined records (oldest first), optionally of one evidence item. */
  'quarantine:list': {
    input: z
      .object({
        evidenceId: z.number().int().min(1).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        afterId: z.number().int().min(0).optional(),
      })
      .strict(),
    output: returns<{ items: QuarantineItem[]; total: number }>(),
  },

  // ---- Analysis engine (issue 5): search, timeline, sessions, findings, annotations, enrichment ----
  /** One keyset page of events matching a query (search language: docs/search.md), in time order. */
  'events:query': {
    input: z
      .object({
        query: searchQuery.optional(),
        fromUs: timeUs.optional(),
        toUs: timeUs.optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        /** The `next` cursor of the previous page. */
        after: eventCursor.nullable().optional(),
        direction: z.enum(['asc', 'desc']).optional(),
      })
      .strict(),
    output: returns<EventPage>(),
  },
  /** Number of events matching a query in a range. */
  'events:count': {
    input: z.object({ query: searchQuery.optional(), fromUs: timeUs.optional(), toUs: timeUs.optional() }).strict(),
    output: returns<{ count: number }>(),
  },
  /** One event with raw record, attrs, tags, star, comments, IP / user-agent details, findings, sightings. */
  'events:get': {
    input: z.object({ id: eventId }).strict(),
    output: returns<EventDetail>(),
  },
  /** Most frequent values of a field among matching events. */
  'events:top': {
    input: z
      .object({
        field: z.enum(EVENT_FIELDS),
        query: searchQuery.optional(),
        fromUs: timeUs.optional(),
        toUs: timeUs.optional(),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    output: returns<{ values: TopValue[] }>(),
  },
  /** Events ± `minutes` (default 30) around an event, same actor (or mailbox). */
  'events:context': {
    input: z
      .object({ id: eventId, minutes: z.number().int().min(1).max(10080).optional(), limit: z.number().int().min(1).max(1000).optional() })
      .strict(),
    output: returns<EventContextResult>(),
  },
  /** Events sharing the session / IP / user agent / app / token / actor / device of an event, with the query expressing it. */
  'events:pivot': {
    input: z
      .object({
        id: eventId,
        by: z.enum(['session', 'ip', 'ua', 'app', 'token', 'actor', 'device']),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    output: returns<PivotResult>(),
  },
  /** Tags every event matching a query (bulk tag; journaled with the query). */
  'events:tag-query': {
    input: z
      .object({ query: searchQuery, fromUs: timeUs.optional(), toUs: timeUs.optional(), tag: tagName, color: tagColor.optional() })
      .strict(),
    output: returns<TagResult>(),
  },
  /** Checks a query's syntax without running it (for the search box); errors carry the column. */
  'search:check': {
    input: z.object({ query: searchQuery }).strict(),
    output: returns<QueryCheck>(),
  },
  /** Event counts over a range with an automatic bucket size, optionally per group (mailbox, IP, session, category, source, actor). */
  'timeline:histogram': {
    input: z
      .object({
        query: searchQuery.optional(),
        fromUs: timeUs.optional(),
        toUs: timeUs.optional(),
        maxBuckets: z.number().int().min(10).max(2000).optional(),
        groupBy: z.enum(TIMELINE_GROUPS).optional(),
        /** Groups to return series for (default: the `topGroups` largest in the range). */
        groups: z.array(z.string().max(1000)).max(200).optional(),
        topGroups: z.number().int().min(1).max(100).optional(),
      })
      .strict(),
    output: returns<Histogram>(),
  },
  /** Sessions (by session id, token id, or actor + IP + user agent), newest first. */
  'sessions:list': {
    input: z
      .object({
        actor: z.string().trim().min(1).max(320).optional(),
        limit: z.number().int().min(1).max(10000).optional(),
        flaggedOnly: z.boolean().optional(),
        gapMinutes: z.number().int().min(1).max(1440).optional(),
      })
      .strict(),
    output: returns<{ sessions: SessionSummary[] }>(),
  },
  /** Stored findings, most severe first. */
  'findings:list': {
    input: z
      .object({
        minSeverity: z.enum(['info', 'low', 'medium', 'high']).optional(),
        analyzer: z.string().max(64).optional(),
        eventId: eventId.optional(),
      })
      .strict(),
    output: returns<{ findings: Finding[] }>(),
  },
  /** The analyzers of the registry. */
  'analyze:list': {
    input: z.object({}).strict(),
    output: returns<{ analyzers: AnalyzerInfo[] }>(),
  },
  /** Runs the analyzers (all, or `only`), stores findings idempotently, journals the run. */
  'analyze:run': {
    input: z.object({ only: z.array(z.string().max(64)).max(50).optional() }).strict(),
    output: returns<AnalyzeResult>(),
  },
  /** Every tag with its colour and event count. */
  'tags:list': {
    input: z.object({}).strict(),
    output: returns<{ tags: Tag[] }>(),
  },
  /** Creates a tag or changes its colour / description (journaled). */
  'tags:define': {
    input: z.object({ name: tagName, color: tagColor.optional(), description: z.string().max(2000).optional() }).strict(),
    output: returns<Tag>(),
  },
  /** Tags events (journaled with examiner and time). */
  'event:tag': {
    input: z.object({ ids: z.array(eventId).min(1).max(100000), tag: tagName, color: tagColor.optional() }).strict(),
    output: returns<TagResult>(),
  },
  /** Removes a tag from events (journaled). */
  'event:untag': {
    input: z.object({ ids: z.array(eventId).min(1).max(100000), tag: tagName }).strict(),
    output: returns<TagResult>(),
  },
  /** Stars or unstars an event (journaled). */
  'event:star': {
    input: z.object({ id: eventId, starred: z.boolean() }).strict(),
    output: returns<{ id: number; starred: boolean; changed: boolean }>(),
  },
  /** Comments on an event; the author is the session's examiner (journaled with the text). */
  'event:comment': {
    input: z.object({ id: eventId, text: z.string().trim().min(1).max(20000) }).strict(),
    output: returns<EventComment>(),
  },
  /** Deletes a comment (journaled with the text it had). */
  'comment:delete': {
    input: z.object({ commentId: z.number().int().min(1) }).strict(),
    output: returns<{ deleted: boolean }>(),
  },
  /** Saved views (query + range + columns + grouping). */
  'views:list': {
    input: z.object({}).strict(),
    output: returns<{ views: SavedView[] }>(),
  },
  /** Saves a view, replacing one of the same name (journaled). */
  'views:save': {
    input: z
      .object({
        name: z.string().trim().min(1).max(200),
        query: searchQuery,
        fromUs: timeUs.nullable().optional(),
        toUs: timeUs.nullable().optional(),
        columns: z.array(z.string().max(64)).max(100).optional(),
        groupBy: z.enum(TIMELINE_GROUPS).nullable().optional(),
      })
      .strict(),
    output: returns<SavedView>(),
  },
  /** Deletes a saved view (journaled). */
  'views:delete': {
    input: z.object({ id: z.number().int().min(1) }).strict(),
    output: returns<{ deleted: boolean }>(),
  },
  /** Adds an examiner-added event ("phone call with the bank"): stored as a small evidence item, shown like any event. */
  'manual:add': {
    input: z
      .object({
        atUs: timeUs,
        text: z.string().trim().min(1).max(20000),
        actor: z.string().trim().max(320).nullable().optional(),
        mailbox: z.string().trim().max(320).nullable().optional(),
        category: z.enum(EVENT_CATEGORIES).optional(),
        tags: z.array(tagName).max(20).optional(),
      })
      .strict(),
    output: returns<{ eventId: number; evidenceId: number }>(),
  },
  /** Enrichment databases recorded in the case (names, versions, build dates, licences). */
  'enrich:sources': {
    input: z.object({}).strict(),
    output: returns<{ sources: EnrichmentSourceRecord[] }>(),
  },
  /** Re-runs IP enrichment over the case (optionally with a user-supplied GeoLite2-City mmdb); journaled. */
  'enrich:rerun': {
    input: z.object({ cityDb: filePath.optional() }).strict(),
    output: returns<ReenrichSummary>(),
  },
  /**
   * Export events of the open case to a file: CSV, JSONL, Timesketch JSONL, or a STIX 2.1 bundle
   * of indicators from tagged events. Journaled (`export.events`) with the output's SHA-256.
   */
  'export:events': {
    input: z
      .object({
        out: filePath,
        format: z.enum(EXPORT_FORMATS),
        /** A query in the search language. */
        query: z.string().max(4096).optional(),
        onlyTagged: z.boolean().optional(),
        force: z.boolean().optional(),
      })
      .strict(),
    output: returns<EventsExport>(),
  },
  /**
   * Seal the open case into an evidence package (case copy, JSONL journal, PDF report, manifest,
   * optional Ed25519 signature). Journaled (`package.create` sealed inside, `package.seal` with the
   * package's SHA-256 after). Progress arrives as `job:progress` with `jobId`.
   */
  'package:export': {
    input: z
      .object({
        out: filePath,
        /** PEM of the Ed25519 private key to sign with (never stored or journaled). */
        signKeyPem: z.string().min(1).max(16384).optional(),
        signKeyPassphrase: z.string().min(1).max(1024).optional(),
        /** Display zone of the enclosed report (default: the case zone). */
        tz: timeZone.optional(),
        force: z.boolean().optional(),
        jobId: z.string().trim().min(1).max(64).optional(),
      })
      .strict(),
    output: returns<PackageExport>(),
  },
  /**
   * Verify a package file (no case needs to be open): members against the manifest, signature
   * (against `publicKeyPem` when given), journal chain; with `passphrase` also the enclosed case.
   */
  'package:verify': {
    input: z
      .object({
        file: filePath,
        publicKeyPem: z.string().min(1).max(16384).optional(),
        passphrase: passphrase.optional(),
      })
      .strict(),
    output: returns<PackageVerification>(),
  },
  /** Write the deterministic PDF report of the open case. Journaled with the output's SHA-256. */
  'report:export': {
    input: z
      .object({
        out: filePath,
        tz: timeZone.optional(),
        /** List tagged events only (not starred-only ones). */
        onlyTagged: z.boolean().optional(),
        /** List only events with one of these tags. */
        tags: z.array(z.string().trim().min(1).max(64)).max(100).optional(),
        force: z.boolean().optional(),
      })
      .strict(),
    output: returns<ReportExport>(),
  },
} as const;

/**
 * Host channels: answered by the host process (Electron main or the loopback host of
 * `mailtrail ui`), not by the core: recent cases and preferences live in the app data directory,
 * dialogs are native. Validated and dispatched exactly like {@link contract} channels.
 */
export const hostContract = {
  /** What the host offers (kind, native dialogs, folder for new cases). */
  'app:info': {
    input: z.object({}).strict(),
    output: returns<HostInfo>(),
  },
  /** Recently opened cases, newest first (never passphrases). */
  'app:recent': {
    input: z.object({}).strict(),
    output: returns<{ cases: RecentCase[] }>(),
  },
  /** Removes a case from the recent list; the file itself is untouched. */
  'app:forget': {
    input: z.object({ file: filePath }).strict(),
    output: returns<{ cases: RecentCase[] }>(),
  },
  /** The examiner's preferences. */
  'app:prefs': {
    input: z.object({}).strict(),
    output: returns<Prefs>(),
  },
  /** Changes some preferences; returns all of them. */
  'app:setPrefs': {
    input: z
      .object({
        examiner: z.string().trim().max(200).nullable().optional(),
        timeZone: timeZone.nullable().optional(),
        theme: z.enum(['light', 'dark', 'system']).optional(),
      })
      .strict(),
    output: returns<Prefs>(),
  },
  /** Native open dialog; the loopback host answers `UNSUPPORTED` (the UI then asks for a path). */
  'dialog:open': {
    input: z
      .object({
        purpose: z.enum(['case', 'evidence', 'folder', 'package']),
        multiple: z.boolean().optional(),
      })
      .strict(),
    output: returns<{ paths: string[] }>(),
  },
  /** Native save dialog; `path` is null when cancelled. Loopback host: `UNSUPPORTED`. */
  'dialog:save': {
    input: z
      .object({
        purpose: z.enum(['case', 'report', 'package', 'export']),
        defaultName: z.string().max(255).optional(),
      })
      .strict(),
    output: returns<{ path: string | null }>(),
  },
} as const;

/** Events the core pushes to the UI, with their payload types. */
export const pushEvents = {
  /** Progress of any long operation. */
  'job:progress': returns<Progress>(),
  /** Progress of an import (`jobId` of `import:start`): bytes stored, records parsed, indexing. */
  'import:progress': returns<Progress>(),
  /** Progress of a collection, per source. */
  'collect:progress': returns<CollectProgress>(),
  /** A device-code sign-in waits for the examiner: show the code and the URL. */
  'collect:device-code': returns<DeviceCodePrompt>(),
  /** A native menu command (Electron host only), e.g. `{ command: 'case.open' }`. */
  'app:menu': returns<MenuCommand>(),
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

/** A host channel name. */
export type HostChannel = keyof typeof hostContract;
/** Any channel the UI may invoke: the core's and the host's. */
export type ApiChannel = Channel | HostChannel;
type ApiContract = typeof contract & typeof hostContract;
/** What a caller passes to any channel. */
export type ApiInput<C extends ApiChannel> = z.input<ApiContract[C]['input']>;
/** What any handler receives (after validation). */
export type ApiArgs<C extends ApiChannel> = z.output<ApiContract[C]['input']>;
/** What any channel resolves to. */
export type ApiOutput<C extends ApiChannel> = ApiContract[C]['output'];
/** Every host channel's handler (Electron main and the loopback host each supply them). */
export type HostHandlers = {
  [C in HostChannel]: (input: ApiArgs<C>) => Promise<ApiOutput<C>>;
};
/** Core and host handlers together: what a host dispatches to. */
export type ApiHandlers = CoreHandlers & HostHandlers;

/** The channel names, for allow-lists (preload, loopback host). */
export const CHANNELS = Object.freeze(Object.keys(contract)) as readonly Channel[];
/** The host channel names. */
export const HOST_CHANNELS = Object.freeze(Object.keys(hostContract)) as readonly HostChannel[];
/** Every channel the UI may invoke, for allow-lists. */
export const API_CHANNELS = Object.freeze([...CHANNELS, ...HOST_CHANNELS]) as readonly ApiChannel[];
/** The push event names, for allow-lists. */
export const PUSH_EVENTS = Object.freeze(Object.keys(pushEvents)) as readonly PushEvent[];

/** True when `name` is a declared channel. */
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** True when `name` is a core or host channel. */
export function isApiChannel(name: unknown): name is ApiChannel {
  return isChannel(name) || (typeof name === 'string' && Object.prototype.hasOwnProperty.call(hostContract, name));
}

/** The input schema of any channel. */
export function inputSchema(channel: ApiChannel): z.ZodType {
  return isChannel(channel) ? contract[channel].input : hostContract[channel as HostChannel].input;
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
  invoke<C extends ApiChannel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>>;
  /** Subscribes to a push event; returns the unsubscribe function. */
  on<E extends PushEvent>(event: E, listener: (payload: PushPayload<E>) => void): () => void;
}
