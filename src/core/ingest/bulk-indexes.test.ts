import { describe, expect, it } from 'vitest';
import { REBUILD_CACHE_MAX_KIB, rebuildCacheKib } from './bulk-indexes';

describe('rebuildCacheKib', () => {
  const plenty = 1024 * 1024;

  it('grows with the table', () => {
    const small = rebuildCacheKib(10_000, plenty)!;
    const large = rebuildCacheKib(200_000, plenty)!;
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    expect(large).toBeLessThanOrEqual(REBUILD_CACHE_MAX_KIB);
  });

  it('gives up when the table would not fit: beyond the cap, or beyond the memory left', () => {
    expect(rebuildCacheKib(1_000_000, plenty)).toBeNull();
    const need = rebuildCacheKib(200_000, plenty)!;
    expect(rebuildCacheKib(200_000, need)).toBe(need);
    expect(rebuildCacheKib(200_000, need - 1)).toBeNull();
    expect(rebuildCacheKib(200_000, -5)).toBeNull();
  });
});
