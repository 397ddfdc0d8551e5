import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvHeader, csvLine, CSV_COLUMNS, guardFormula } from './csv';
import type { ExportRecord } from './rows';
import { StixCollector, stixPattern, stixString } from './stix';
import { STIX_NAMESPACE, uuidV5 } from './uuid';

function record(over: Partial<ExportRecord> = {}): ExportRecord {
  return {
    id: 1,
    ts_us: 1767225600000001,
    time: '2026-01-01T00:00:00.000001Z',
    source: 'ual',
    record_type: 'ExchangeAdmin',
    operation: 'New-InboxRule',
    category: 'rule-change',
    actor: 'alice@contoso.com',
    mailbox: 'alice@contoso.com',
    client_ip: '203.0.113.7',
    country: 'NL',
    asn: 64500,
    as_org: 'Example, "Hosting" B.V.',
    user_agent: null,
    client_app: null,
    app_id: null,
    session_id: null,
    token_id: null,
    device_id: null,
    result: 'success',
    object: '=cmd|" /C calc"!A0',
    summary: 'line one\nline two, with comma',
    record_key: 'ual:1',
    evidence_id: 1,
    record_index: 0,
    examiner_added: false,
    tags: ['malicious', 'key-event'],
    starred: true,
    comments: [{ author: 'A. Examiner', time: '2026-01-02T00:00:00.000000Z', text: '@SUM(1+1) is how it starts' }],
    attrs: { fields: { Name: '..' } },
    raw: '{}',
    ...over,
  };
}

describe('uuidV5', () => {
  it('matches the RFC 9562 / Python uuid5 vector', () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com')
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
  it('is stable and name-sensitive in the STIX namespace', () => {
    expect(uuidV5('a', STIX_NAMESPACE)).toBe(uuidV5('a', STIX_NAMESPACE));
    expect(uuidV5('a', STIX_NAMESPACE)).not.toBe(uuidV5('b', STIX_NAMESPACE));
  });
});

describe('CSV export', () => {
  it('quotes per RFC 4180 and reads back to the same cells', () => {
    const text = csvHeader() + csvLine(record());
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...CSV_COLUMNS]);
    expect(rows[0]).toMatchObject({
      id: '1',
      ts_us: '1767225600000001',
      as_org: 'Example, "Hosting" B.V.',
      summary: 'line one\nline two, with comma',
      tags: 'malicious; key-event',
      starred: 'true',
      attrs: '{"fields":{"Name":".."}}',
    });
  });
  it('neutralises cells a spreadsheet would evaluate, and only those', () => {
    const rows = parse(csvHeader() + csvLine(record()), { columns: true }) as Record<string, string>[];
    expect(rows[0]!['object']).toBe(`'=cmd|" /C calc"!A0`);
    expect(rows[0]!['comments']).toBe('A. Examiner @ 2026-01-02T00:00:00.000000Z: @SUM(1+1) is how it starts');
    for (const s of ['=1+1', '+1', '-1', '@A1', '\tx', '\rx']) expect(guardFormula(s)).toBe(`'${s}`);
    for (const s of ['1-1', 'a=b', 'alice@contoso.com', '']) expect(guardFormula(s)).toBe(s);
  });
  it('uses CRLF record delimiters', () => {
    expect(csvLine(record({ summary: 'x', object: null, comments: [] }))).toMatch(/\r\n$/);
  });
});

describe('STIX export', () => {
  it('escapes quotes and backslashes in pattern strings', () => {
    expect(stixString(`a'b\\c`)).toBe(`'a\\'b\\\\c'`);
    expect(stixPattern('user-agent', "Mozilla/5.0 'x'")).toBe(
      `[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'Mozilla/5.0 \\'x\\'']`,
    );
    expect(stixPattern('ipv6-addr', '2001:db8::1')).toBe(`[ipv6-addr:value = '2001:db8::1']`);
  });
  it('builds one indicator per observable from tagged events only, with deterministic ids', () => {
    const build = () => {
      const c = new StixCollector();
      c.add(record({ id: 1, user_agent: 'python-requests/2.31', app_id: 'ABC' }));
      c.add(record({ id: 2, ts_us: 1767225600000009, time: '2026-01-01T00:00:00.000009Z', tags: ['suspicious'] }));
      c.add(record({ id: 3, client_ip: '198.51.100.1', tags: [] }));
      return c.bundle({
        caseId: 'case-1',
        caseLabel: 'case X',
        examiner: 'A. Examiner',
        createdIso: '2026-01-05T00:00:00.123456Z',
        headHash: 'h',
      });
    };
    const text = build();
    expect(build()).toBe(text);
    const bundle = JSON.parse(text) as { type: string; id: string; objects: Record<string, unknown>[] };
    expect(bundle.type).toBe('bundle');
    const indicators = bundle.objects.filter((o) => o['type'] === 'indicator');
    expect(indicators.map((i) => i['pattern'])).toEqual([
      `[software:x_azure_app_id = 'abc']`,
      `[ipv4-addr:value = '203.0.113.7']`,
      `[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'python-requests/2.31']`,
    ]);
    const ip = indicators.find((i) => String(i['pattern']).startsWith('[ipv4'))!;
    expect(ip).toMatchObject({
      spec_version: '2.1',
      pattern_type: 'stix',
      created: '2026-01-05T00:00:00.123Z',
      valid_from: '2026-01-01T00:00:00.000Z',
      labels: ['key-event', 'malicious', 'suspicious'],
    });
    expect(String(ip['id'])).toBe(`indicator--${uuidV5(`mailtrail:case-1:[ipv4-addr:value = '203.0.113.7']`, STIX_NAMESPACE)}`);
    expect(String(ip['description'])).toContain('Mailtrail event ids: 1, 2');
  });
});
