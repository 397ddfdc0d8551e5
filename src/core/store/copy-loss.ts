/**
 * How much of a record one stored copy is known to have lost, for choosing between two copies of
 * the same record (forensic invariant 4 keeps one event per record identity; this decides which
 * copy it shows). Lower is better; copies that tie keep the one imported first.
 *
 * Two losses are recognised, both certain from the copy alone:
 * - a value PowerShell cut at its serialisation depth: `ConvertTo-Json` (depth 2 by default) and
 *   `Export-Csv` write a nested array or table below the limit as its .NET type name
 *   (`"Folders":["@{Id=…; Path=\Inbox; FolderItems=System.Object[]}"]` in a Defender
 *   `RawEventData`, `"status":"System.Collections.Hashtable"`); each such value counts one.
 * - a flattened layout: the Entra portal's sign-in CSV keeps a column per field the portal chose and
 *   none of the nested detail of the Graph record (conditional access policies, authentication
 *   steps, network locations), and writes its dates in the downloading browser's locale. It counts
 *   {@link FLAT_LAYOUT_LOSS}, more than any number of cut values in a structured copy.
 */

/** The loss of a copy in a flattened layout (see the module comment). */
export const FLAT_LAYOUT_LOSS = 1_000_000;

/**
 * A .NET type name standing where a value was: after a JSON quote or a PowerShell `name=`, before
 * a closing quote (escaped too: JSON inside a JSON string), `;` or `}`, so a type name inside
 * prose does not count.
 */
const CUT_VALUE = /(?<=["=])System\.[A-Za-z][\w.`]*(?:\[[\w.,` []*\]+)?(?=\\?["};])/g;

/** Values of `raw` that PowerShell wrote as their type name (0 for almost every record: one `indexOf`). */
export function cutValues(raw: string): number {
  if (!raw.includes('System.')) return 0;
  return raw.match(CUT_VALUE)?.length ?? 0;
}

/** The loss of a copy: its cut values, plus {@link FLAT_LAYOUT_LOSS} when its layout is flattened. */
export function copyLoss(raw: string, flatLayout: boolean): number {
  return cutValues(raw) + (flatLayout ? FLAT_LAYOUT_LOSS : 0);
}
