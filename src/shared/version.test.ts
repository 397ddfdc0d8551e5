import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAILTRAIL_VERSION } from './version';

describe('version', () => {
  it('equals package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(MAILTRAIL_VERSION).toBe(pkg.version);
  });
});
