import { afterEach, describe, expect, it } from 'vitest';
import { analysisCase } from '../../../test/helpers/events';
import { becFixture } from '../../../test/helpers/bec-fixture';
import { contract } from '../../shared/ipc/contract';
import { createCore } from '../index';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('analysis contract channels over createCore()', () => {
  it('answer the timeline, search, annotation, analysis and enrichment channels', async () => {
    const c = await analysisCase();
    cleanups.push(c.cleanup);
    const ids = c.write(becFixture().events);
    const core = createCore();
    core.adopt(c.session);
    const h = core.handlers;
    // Inputs go through the contract's schemas, as main/ipc.ts does.
    const call = async <C extends keyof typeof h>(ch: C, input: unknown) =>
      (h[ch] as (i: unknown) => Promise<unknown>)(contract[ch].input.parse(input));

    const page = (await call('events:query', { query: 'ip:146.70.0.0/16', limit: 2 })) as { events: { id: number }[]; next: unknown };
    expect(page.events.length).toBe(2);
    expect(page.next).not.toBeNull();
    expect(await call('events:count', { query: 'ip:146.70.0.0/16' })).toEqual({ count: 6 });
    const hist = (await call('timeline:histogram', { groupBy: 'category' })) as { total: number; series: unknown[]; plan: string };
    expect(hist.total).toBe(ids.length);
    expect(hist.series.length).toBeGreaterThan(2);
    expect(((await call('events:top', { field: 'country' })) as { values: { value: string }[] }).values[0]!.value).toBe('US');
    expect(await call('search:check', { query: 'a OR' })).toEqual({ ok: false, message: expect.stringMatching(/column 3/), column: 3 });
    expect(await call('search:check', { query: 'actor:x' })).toEqual({ ok: true });
    const run = (await call('analyze:run', {})) as { counts: { high: number } };
    expect(run.counts.high).toBeGreaterThan(0);
    expect(((await call('findings:list', { minSeverity: 'high' })) as { findings: unknown[] }).findings.length).toBe(run.counts.high);
    expect(((await call('analyze:list', {})) as { analyzers: { id: string }[] }).analyzers.map((a) => a.id)).toContain('bec-storyline');
    const first = page.events[0]!.id;
    await call('event:tag', { ids: [first], tag: 'malicious' });
    await call('event:star', { id: first, starred: true });
    await call('event:comment', { id: first, text: 'AiTM sign-in' });
    const detail = (await call('events:get', { id: first })) as {
      tags: { name: string }[];
      star: unknown;
      comments: unknown[];
      ip: { flags: string[] };
      findings: unknown[];
    };
    expect(detail.tags.map((t) => t.name)).toEqual(['malicious']);
    expect(detail.star).not.toBeNull();
    expect(detail.comments.length).toBe(1);
    expect(detail.ip.flags).toContain('anonymizer');
    expect(detail.findings.length).toBeGreaterThan(0);
    expect(((await call('tags:list', {})) as { tags: { name: string; count: number }[] }).tags).toEqual([
      expect.objectContaining({ name: 'malicious', count: 1 }),
    ]);
    expect(await call('events:tag-query', { query: 'session:a7f0c3d2-0000-4000-8000-00000000a77c', tag: 'attacker' })).toMatchObject({
      matched: 7,
    });
    const pivot = (await call('events:pivot', { id: first, by: 'session' })) as { query: string };
    expect(pivot.query).toBe('session:a7f0c3d2-0000-4000-8000-00000000a77c');
    const ctx = (await call('events:context', { id: first, minutes: 60 })) as { events: unknown[] };
    expect(ctx.events.length).toBeGreaterThan(3);
    const sessions = (await call('sessions:list', { flaggedOnly: true })) as { sessions: { key: string }[] };
    expect(sessions.sessions.map((s) => s.key)).toContain('sid:a7f0c3d2-0000-4000-8000-00000000a77c');
    const view = (await call('views:save', { name: 'Attack', query: 'tag:attacker', groupBy: 'category' })) as { id: number };
    expect(((await call('views:list', {})) as { views: unknown[] }).views.length).toBe(1);
    await call('views:delete', { id: view.id });
    const manual = (await call('manual:add', {
      atUs: ids.length ? Date.UTC(2026, 0, 14, 15) * 1000 : 0,
      text: 'Bank recalled the wire',
    })) as { eventId: number };
    expect(manual.eventId).toBeGreaterThan(0);
    expect(((await call('enrich:sources', {})) as { sources: unknown[] }).sources.length).toBeGreaterThan(1);
    expect(() => contract['event:tag'].input.parse({ ids: [], tag: 'x' })).toThrow();
    expect(() => contract['tags:define'].input.parse({ name: 'x', color: 'red' })).toThrow();
    core.dispose();
  });
});
