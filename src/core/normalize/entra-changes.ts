/**
 * What an Entra directory change changed, read the same way from a Graph directory audit
 * (`targetResources[].modifiedProperties`) and from its copy in the UAL (`ModifiedProperties`):
 * membership operations, the property names an update lists, and the line a summary shows.
 */
import type { Modified } from './consent';
import { clip, first, str, words } from './values';

/**
 * Role and group membership changes (`Add member to role.`, `Remove member from group`, `Add
 * eligible member to role`, `Add member to role in PIM completed`): group 1 is what the member
 * joins or leaves.
 */
export const MEMBERSHIP_OP = /^(?:add|remove)\b.*\bmembers?\b.*\b(?:to|from)\b.*\b(role|group)\b/i;

/** Modified properties that describe the change rather than being changed. */
const META_PROPERTY = /^(?:included updated properties|action client name|spn)$|^(?:targetid|actorid|methodexecutionresult)\./i;

/** Changed property names a summary lists before `(+N more)`. */
const CHANGES_SHOWN = 5;

/**
 * A modified property's value as text: AAD writes lists (`[\r\n "IAMTenantCrawler"\r\n]`, decoded
 * to arrays), JSON-quoted strings and plain strings alike.
 */
export function modifiedText(v: unknown): string | null {
  if (Array.isArray(v)) return first(...v);
  const s = str(v);
  return s === null ? null : s.replace(/^"(.*)"$/, '$1');
}

/**
 * The properties an update changed: the list Entra writes (`Included Updated Properties`) first,
 * then any other modified property it did not list, bookkeeping left out.
 */
export function changedPropertyNames(mp: Modified): string[] {
  const listed = words(modifiedText(mp['Included Updated Properties']?.new)).map((w) => w.replace(/^"|"$/g, ''));
  const out = listed.filter((w) => w.length > 0);
  for (const name of Object.keys(mp)) if (!META_PROPERTY.test(name) && !out.includes(name)) out.push(name);
  return out;
}

/** `A, B, C (+2 more)`: a few names, short enough for a one-line summary. */
export function changesText(names: readonly string[]): string {
  const more = names.length > CHANGES_SHOWN ? ` (+${names.length - CHANGES_SHOWN} more)` : '';
  return `${clip(names.slice(0, CHANGES_SHOWN).join(', '), 120)}${more}`;
}
