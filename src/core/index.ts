/**
 * The composition root: `createCore(ports)` wires the engine and returns handlers for every
 * contract channel. The Electron main process and the loopback host both serve the UI from it.
 */
import { MailtrailError } from '../shared/errors';
import type { CoreHandlers, PushEvent, PushPayload } from '../shared/ipc/contract';
import { type CaseSession, createCase, openCase } from './case/case-file';
import { systemClock, type Clock } from './clock';
import { verifyAndRecord } from './custody/record-verification';
import { reportHandlers } from './report/handlers';
import { collectHandlers } from './collect/handlers';
import { analysisHandlers } from './analyze/handlers';
import { importHandlers } from './ingest/handlers';

/** What the host supplies to the core. */
export interface CorePorts {
  clock?: Clock;
  /** Pushes an event to the UI. */
  emit?: <E extends PushEvent>(event: E, payload: PushPayload<E>) => void;
}

/** A running core: the contract handlers plus lifecycle. */
export interface Core {
  handlers: CoreHandlers;
  /** The open case, if any (for hosts that need it directly, e.g. `mailtrail ui CASE`). */
  current(): CaseSession | null;
  /** Adopts an already-open session (closing any other). */
  adopt(session: CaseSession): void;
  /** Closes the open case. */
  dispose(): void;
}

/** Builds the core. */
export function createCore(ports: CorePorts = {}): Core {
  const clock = ports.clock ?? systemClock;
  let session: CaseSession | null = null;

  const requireCase = (): CaseSession => {
    if (!session) throw new MailtrailError('NO_CASE_OPEN', 'no case is open');
    return session;
  };
  const replace = (next: CaseSession): CaseSession => {
    session?.close();
    session = next;
    return next;
  };

  const handlers = {
    'case:create': async (input) => replace(createCase({ ...input, clock })).info(),
    'case:open': async (input) => replace(openCase({ ...input, clock })).info(),
    'case:info': async () => requireCase().info(),
    'case:close': async () => {
      const had = session !== null;
      session?.close();
      session = null;
      return { closed: had };
    },
    'custody:list': async ({ afterSeq, limit }) => {
      const s = requireCase();
      return { entries: s.journal.list(afterSeq ?? 0, limit ?? 200), total: s.journal.head().entries };
    },
    'custody:verify': async () => verifyAndRecord(requireCase()),
    ...reportHandlers(requireCase, (event, payload) => ports.emit?.(event, payload)),
    ...collectHandlers(requireCase, (event, payload) => ports.emit?.(event, payload)),
    ...analysisHandlers(requireCase),
    ...importHandlers(requireCase, (event, payload) => ports.emit?.(event, payload)),
  } satisfies CoreHandlers;

  return {
    handlers,
    current: () => session,
    adopt: (next) => void replace(next),
    dispose: () => {
      session?.close();
      session = null;
    },
  };
}
