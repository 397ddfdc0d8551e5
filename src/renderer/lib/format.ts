/** Small display helpers. */

/** `1,234,567`. */
export function n(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString('en-US');
}

/** `12.3 MB`. */
export function bytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = value;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** A hash shortened for tables (`ab12cd34…9f`); the full value goes in a title. */
export function shortHash(hash: string, head = 12): string {
  return hash.length > head + 4 ? `${hash.slice(0, head)}…${hash.slice(-4)}` : hash;
}

/** Pluralised count: `3 events`, `1 event`. */
export function count(value: number, word: string, plural = `${word}s`): string {
  return `${n(value)} ${value === 1 ? word : plural}`;
}
