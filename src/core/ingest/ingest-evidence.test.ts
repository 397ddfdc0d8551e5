import { describe, expect, it } from 'vitest';
import { IMPORT_CACHE_GROWTH_MAX_KIB, IMPORT_CACHE_KIB, importCacheKib } from './ingest-evidence';

describe('importCacheKib', () => {
  it('is the base cache for an empty case', () => {
    expect(importCacheKib(0)).toBe(IMPORT_CACHE_KIB);
  });

  it("adds the existing events' dedupe index, up to a cap", () => {
    const oneMillion = importCacheKib(1_000_000);
    expect(oneMillion - IMPORT_CACHE_KIB).toBeGreaterThan(15 * 1024);
    expect(oneMillion - IMPORT_CACHE_KIB).toBeLessThan(20 * 1024);
    expect(importCacheKib(2_000_000)).toBeGreaterThan(oneMillion);
    expect(importCacheKib(50_000_000)).toBe(IMPORT_CACHE_KIB + IMPORT_CACHE_GROWTH_MAX_KIB);
  });
});
