/**
 * Value quirks handled once for every source family: strings with stray whitespace, `"True"` /
 * `"False"` booleans, Name/Value arrays, JSON inside strings, keys with trailing spaces, result
 * vocabularies.
 */

/** A plain JSON object. */
export type Obj = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Trimmed non-empty string (numbers and booleans as text), else `null`. */
export function str(v: unknown): string | null {
  if (typeof v === 'string') {
    const t = v.trim();
    return t.length > 0 ? t : null;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** {@link str} lower-cased. */
export function lower(v: unknown): string | null {
  const s = str(v);
  return s === null ? null : s.toLowerCase();
}

/** The first of `values` that {@link str} accepts. */
export function first(...values: unknown[]): string | null {
  for (const v of values) {
    const s = str(v);
    if (s !== null) return s;
  }
  return null;
}

/** Booleans as sources write them: `true`, `"True"`, `"false"`, `"1"`, `"0"`. */
export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 0 ? false : v === 1 ? true : null;
  if (typeof v !== 'string') return null;
  switch (v.trim().toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
      return true;
    case 'false':
    case '0':
    case 'no':
      return false;
    default:
      return null;
  }
}

/** An integer from a number or numeric string, else `null`. */
export function int(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  // (A SIEM that stored the number as a float writes `50126.0`.)
  if (typeof v === 'string' && /^\s*-?\d+(?:\.0+)?\s*$/.test(v)) return Number(v);
  return null;
}

/**
 * Decodes JSON carried inside a string (`"{\"AppId\":…}"`, `"[\r\n  true\r\n]"`, Sentinel's
 * `Folders` column); anything else is returned unchanged.
 */
export function decodeJsonString(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  let i = 0;
  while (i < v.length && v.charCodeAt(i) <= 32) i++;
  const c = v.charCodeAt(i);
  if (c !== 123 && c !== 91 && c !== 34) return v; // { [ "
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/** `v` as an array: JSON-in-string arrays decoded, a single object wrapped, anything else empty. */
export function arr(v: unknown): unknown[] {
  const d = decoded(v);
  if (Array.isArray(d)) return d;
  if (isObj(d)) return [d];
  return [];
}

/** `v` as an object (JSON-in-string decoded), else `null`. */
export function obj(v: unknown): Obj | null {
  const d = decoded(v);
  return isObj(d) ? d : null;
}

/**
 * `v` with JSON in a string decoded, twice when the string held a JSON string (an exporter that
 * serialised a field already holding JSON text: `"Parameters": "\"[{\\\"Name\\\"…}]\""`).
 */
function decoded(v: unknown): unknown {
  const d = decodeJsonString(v);
  return typeof d === 'string' && d !== v ? decodeJsonString(d) : d;
}

/**
 * `v` as an object: JSON (or JSON in a string), or the `@{key=value; …}` text `ConvertTo-Json`
 * writes for objects below its `-Depth` (2 by default); else `null`.
 */
export function objOrHashtable(v: unknown): Obj | null {
  return obj(v) ?? (typeof v === 'string' ? psHashtable(v) : null);
}

function hasPaddedKey(o: Obj): boolean {
  for (const k in o) {
    const n = k.length;
    if (n > 0 && (k.charCodeAt(0) <= 32 || k.charCodeAt(n - 1) <= 32)) return true;
  }
  return false;
}

/** The object with whitespace trimmed from its keys (`"ExternalAccess "`), or itself when none has any. */
export function trimKeys(o: Obj): Obj {
  if (!hasPaddedKey(o)) return o;
  const out: Obj = {};
  for (const k in o) {
    const t = k.trim();
    if (!(t in out) || out[t] === undefined || out[t] === null || out[t] === '') out[t] = o[k];
  }
  return out;
}

/**
 * Flattens a `[{Name, Value}]` array (`Parameters`, `OperationProperties`, `ExtendedProperties`,
 * `DeviceProperties`, Activities `CustomProperties`) into an object; names are trimmed, JSON-in-string
 * values decoded. Repeated names keep every value in an array.
 */
export function nameValues(v: unknown): Obj {
  const out: Obj = {};
  let multi: Set<string> | null = null;
  for (const element of arr(v)) {
    const item = typeof element === 'string' ? psHashtable(element) : element;
    if (!isObj(item)) continue;
    const name = str(item['Name'] ?? item['name'] ?? item['key'] ?? item['Key']);
    if (name === null) continue;
    const value = decodeJsonString(item['Value'] ?? item['value'] ?? null);
    if (!(name in out)) out[name] = value;
    else if (multi?.has(name)) (out[name] as unknown[]).push(value);
    else {
      out[name] = [out[name], value];
      (multi ??= new Set()).add(name);
    }
  }
  return out;
}

/**
 * Reads PowerShell's string form of a hashtable, `@{Value=Bind; Name=MailAccessType}`, which some
 * exports (Defender `RawEventData`, `Export-Csv` of nested objects) write instead of the object.
 */
export function psHashtable(s: string): Obj | null {
  const t = s.trim();
  if (!t.startsWith('@{') || !t.endsWith('}')) return null;
  const out: Obj = {};
  for (const part of t.slice(2, -1).split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq).trim()] = part.slice(eq + 1);
  }
  return out;
}

/** Flattens AAD `ModifiedProperties` `[{Name, NewValue, OldValue}]` (or Graph `{displayName, newValue, oldValue}`). */
export function modifiedProperties(v: unknown): Record<string, { old: unknown; new: unknown }> {
  const out: Record<string, { old: unknown; new: unknown }> = {};
  for (const item of arr(v)) {
    if (!isObj(item)) continue;
    const name = str(item['Name'] ?? item['displayName']);
    if (name === null) continue;
    out[name] = {
      old: decodeJsonString(item['OldValue'] ?? item['oldValue'] ?? null),
      new: decodeJsonString(item['NewValue'] ?? item['newValue'] ?? null),
    };
  }
  return out;
}

/**
 * One result vocabulary: `success`, `failure`, `partial`; other words lower-cased as given.
 * UAL `Succeeded`/`Success`/`True`, Exchange admin `True`/`False`, Graph `success`/`failure`.
 */
export function normalizeResult(v: unknown): string | null {
  const s = lower(v);
  if (s === null) return null;
  switch (s) {
    case 'succeeded':
    case 'success':
    case 'successful':
    case 'true':
    case 'ok':
      return 'success';
    case 'failed':
    case 'failure':
    case 'false':
    case 'fail':
      return 'failure';
    case 'partiallysucceeded':
    case 'partiallysuccessful':
    case 'partial':
      return 'partial';
    default:
      return s;
  }
}

/** Splits a word list given as an array, or as text separated by commas/semicolons. */
export function words(v: unknown): string[] {
  const d = decodeJsonString(v);
  if (Array.isArray(d)) return d.map((x) => str(x)).filter((x): x is string => x !== null);
  const s = str(d);
  if (s === null) return [];
  return s
    .split(/[;,]/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/** Short, single-line text for summaries. */
export function clip(s: string, max = 120): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Quotes a value for a summary. */
export function q(s: string): string {
  return `"${clip(s, 80)}"`;
}
