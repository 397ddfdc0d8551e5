/** Reading a Graph collection page by page (`@odata.nextLink`), checkpointing after every page. */
import type { NewTask, TaskRow, TaskState } from '../store/collect-repo';
import type { SourceContext, StoredPage } from './context';
import type { ApiResponse } from './api-client';
import { cursorOf, ServiceRefusal } from './source';

import { jsonOf, prefetch } from './windows';

/** The checkpoint of a paged Graph read. */
export interface PagedCursor {
  next?: string;
}

/**
 * Reads `firstUrl` (or the checkpointed next link) to the end, storing and parsing every page.
 * @param onPage sees each page's JSON and may return extra cursor fields to keep (e.g. ids seen).
 * @returns when the last page is checkpointed (the task is left `done` unless `finalState` says otherwise).
 */
export async function readAllPages(
  ctx: SourceContext,
  task: TaskRow,
  firstUrl: string,
  options: {
    format: string | null;
    mailbox?: string;
    what: string;
    headers?: Record<string, string>;
    finalState?: TaskState | null;
    /** Treat HTTP 404 as a final refusal (no such user or mailbox) rather than an error to retry. */
    refuseNotFound?: boolean;
    /** Sees each page's JSON; may return tasks to add in the same checkpoint. */
    onPage?: (doc: { value: unknown[] }, page: StoredPage) => Omit<NewTask, 'runId' | 'source' | 'nowUs' | 'parentId'>[] | void;
  },
): Promise<void> {
  const cur = cursorOf<PagedCursor>(task);
  let url = cur?.next ?? firstUrl;
  let selfLinks = 0;
  let prefetched: Promise<ApiResponse> | null = null;
  const get = (u: string) =>
    ctx.call({ resource: 'graph', method: 'GET', url: u, ...(options.headers ? { headers: options.headers } : {}) });
  for (;;) {
    const res: ApiResponse = await (prefetched ?? get(url));
    prefetched = null;
    if (res.status === 404 && options.refuseNotFound) {
      const page = await ctx.store(res);
      ctx.checkpoint(task, { page });
      throw new ServiceRefusal('unavailable', `${options.what}: HTTP 404 (not found)`, page.evidenceId);
    }
    await ctx.expectOk(task, res, options.what);
    const doc = jsonOf<{ value?: unknown[]; '@odata.nextLink'?: string }>(res.body);
    if (!doc || !Array.isArray(doc.value)) {
      const page = await ctx.store(res);
      ctx.checkpoint(task, { page });
      throw new Error(`${options.what}: the response is not a JSON object with a value array`);
    }
    const next: string | undefined = doc['@odata.nextLink'];
    // The next page is requested while this one is stored and parsed; checkpoints stay in order.
    if (next) prefetched = prefetch(get(next));
    const page = await ctx.store(res, { format: options.format, ...(options.mailbox ? { mailbox: options.mailbox } : {}) });
    const spawn = options.onPage?.(doc as { value: unknown[] }, page) ?? [];
    if (next) {
      // A service may hand back the page just read (the emulator's `repeatPage`): follow it a few
      // times (the dedupe absorbs the repeat), never forever.
      if (next === url && ++selfLinks > 3) throw new Error(`${options.what}: paging keeps linking to the same page`);
      ctx.checkpoint(task, { page, spawn, cursor: { next } satisfies PagedCursor });
      url = next;
      continue;
    }
    const finalState = options.finalState === undefined ? 'done' : options.finalState;
    ctx.checkpoint(task, { page, spawn, cursor: null, ...(finalState ? { state: finalState } : {}) });
    return;
  }
}
