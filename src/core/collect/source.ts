/** The shape every online source implements, and the errors collectors use to steer the run. */
import type { CollectSource, GapKind } from '../../shared/model/collection';
import type { TaskRow } from '../store/collect-repo';
import type { SourceContext } from './context';

/** One online source. */
export interface SourceCollector {
  readonly source: CollectSource;
  /** Task kinds counted as "windows" in the summary (UAL windows, content listings, mailboxes). */
  readonly windowKinds: readonly string[];
  /** Adds the source's tasks (idempotent: a resume calls it again) and records planned gaps. */
  plan(ctx: SourceContext): Promise<void>;
  /** Works one task to `done`, `split` or `gap`, checkpointing after every page. Throw to retry it later. */
  run(ctx: SourceContext, task: TaskRow): Promise<void>;
  /** After every task: gaps only visible in the collected data or at the end (retention, IsThrottled). */
  finish?(ctx: SourceContext): Promise<void>;
}

/**
 * The service answered with a final refusal for this unit of work (permission, licence, gone,
 * expired). The response is already stored; the task ends as a gap of `kind` without retries.
 */
export class ServiceRefusal extends Error {
  constructor(
    readonly kind: GapKind,
    message: string,
    readonly evidenceId: number | null,
  ) {
    super(message);
    this.name = 'ServiceRefusal';
  }
}

/** Parses a task's cursor. */
export function cursorOf<T>(task: TaskRow): T | null {
  return task.cursor ? (JSON.parse(task.cursor) as T) : null;
}
