/**
 * Microsoft Graph PowerShell SDK objects saved with `ConvertTo-Json` (`Get-MgAuditLogSignIn`,
 * `Get-MgAuditLogDirectoryAudit`, `Get-MgUserMailFolderMessageRule`, `Get-MgOauth2PermissionGrant`
 * …): Graph's own records with every property name PascalCased (`CreatedDateTime`, `IPAddress`,
 * `Status.ErrorCode`) and the SDK's `AdditionalProperties` bag holding what its model lacks. Read
 * back into Graph's names, they are the records the Graph mappings already read.
 */
import { isObj, type Obj } from './values';

/** Whether `o` is such an object: the SDK's `AdditionalProperties` beside a PascalCased `Id`. */
export function isGraphSdkObject(o: Obj): boolean {
  return 'AdditionalProperties' in o && 'Id' in o && !('id' in o);
}

/** `o` with Graph's property names (`IPAddress` → `ipAddress`) and its `AdditionalProperties` merged in. */
export function fromGraphSdk(o: Obj): Obj {
  return graphCased(o) as Obj;
}

function graphCased(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(graphCased);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, value] of Object.entries(v)) {
    if (k === 'AdditionalProperties') continue;
    out[graphName(k)] = graphCased(value);
  }
  // What the SDK's model lacked, under the names Graph sent (`@odata.type`, newer properties).
  const extra = v['AdditionalProperties'];
  if (isObj(extra)) for (const [k, value] of Object.entries(extra)) if (!(k in out)) out[k] = value;
  return out;
}

/** Graph names the SDK's PascalCasing does not give back by rule (it drops their underscore). */
const SDK_NAMES: Record<string, string> = { RiskEventTypesV2: 'riskEventTypes_v2' };

/** `CreatedDateTime` → `createdDateTime`, `IPAddress` → `ipAddress`, `ID` → `id`. */
function graphName(k: string): string {
  const named = SDK_NAMES[k];
  if (named !== undefined) return named;
  let run = 0;
  while (run < k.length && k.charCodeAt(run) >= 65 && k.charCodeAt(run) <= 90) run++;
  if (run === 0) return k;
  // An acronym leading a word keeps the word's capital: IPAddress is ip + Address.
  const keep = run > 1 && run < k.length && /[a-z]/.test(k[run]!) ? run - 1 : run;
  return k.slice(0, keep).toLowerCase() + k.slice(keep);
}
