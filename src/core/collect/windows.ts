/** Time windows and the date/OData text forms the services expect. */

/** Splits `[fromMs, toMs)` into consecutive windows of at most `sizeMs`. */
export function splitRange(fromMs: number, toMs: number, sizeMs: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = fromMs; a < toMs; a += sizeMs) out.push([a, Math.min(toMs, a + sizeMs)]);
  return out;
}

/** Halves a window on a whole second when it can (services filter on seconds at best). */
export function halve(fromMs: number, toMs: number): [[number, number], [number, number]] {
  let mid = fromMs + Math.floor((toMs - fromMs) / 2);
  const rounded = Math.floor(mid / 1000) * 1000;
  if (rounded > fromMs && rounded < toMs) mid = rounded;
  return [
    [fromMs, mid],
    [mid, toMs],
  ];
}

/** ISO 8601 UTC with `Z` (Graph, Outlook); milliseconds only when not zero. */
export function isoZ(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

/** `YYYY-MM-DDTHH:MM:SS` UTC, the Management API's form. */
export function mgmtTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** An OData string literal. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Groups items in chunks of `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Parses a response body as JSON, or returns null. */
export function jsonOf<T>(body: Buffer): T | null {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    return null;
  }
}

/** The `error.code` and `error.message` of a Graph / Management API error body. */
export function serviceError(body: Buffer): { code: string | null; message: string | null } {
  const doc = jsonOf<{ error?: { code?: unknown; message?: unknown } | string; error_description?: string }>(body);
  if (!doc) return { code: null, message: null };
  if (typeof doc.error === 'string') return { code: doc.error, message: doc.error_description ?? null };
  return {
    code: typeof doc.error?.code === 'string' ? doc.error.code : null,
    message: typeof doc.error?.message === 'string' ? doc.error.message : null,
  };
}

/** A request started ahead of time: its failure surfaces when (and if) it is awaited. */
export function prefetch<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
