/**
 * STIX 2.1 bundle of indicators from tagged events: client IPs, user agents and application ids,
 * each with the tags, time span and event ids it was seen with. Identifiers are UUIDv5 of the case
 * id and the pattern, and times come from the events and the journal head, so the same case gives
 * the same bundle.
 */
import type { ExportRecord } from './rows';
import { STIX_NAMESPACE, uuidV5 } from './uuid';

type Kind = 'ipv4-addr' | 'ipv6-addr' | 'user-agent' | 'app-id';

interface Observed {
  kind: Kind;
  value: string;
  firstUs: number;
  lastUs: number;
  firstTime: string;
  lastTime: string;
  eventIds: number[];
  tags: Set<string>;
}

/** Quotes a value for a STIX pattern string literal. */
export function stixString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The STIX pattern of an observable. */
export function stixPattern(kind: Kind, value: string): string {
  switch (kind) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return `[${kind}:value = ${stixString(value)}]`;
    case 'user-agent':
      return `[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = ${stixString(value)}]`;
    case 'app-id':
      // No STIX object describes an OAuth application; a custom property on software names it.
      return `[software:x_azure_app_id = ${stixString(value)}]`;
  }
}

const KIND_NAMES: Record<Kind, string> = {
  'ipv4-addr': 'IPv4 address',
  'ipv6-addr': 'IPv6 address',
  'user-agent': 'User agent',
  'app-id': 'Application id',
};

/** Millisecond-precision STIX timestamp from an ISO µs time. */
function stixTime(iso: string): string {
  return iso.replace(/(\.\d{3})\d*Z$/, '$1Z');
}

/** Collects observables from tagged events and builds the bundle. */
export class StixCollector {
  private readonly seen = new Map<string, Observed>();
  events = 0;

  /** Adds the observables of one tagged event. */
  add(r: ExportRecord): void {
    if (r.tags.length === 0) return;
    this.events++;
    const appIds = new Set<string>();
    if (r.app_id) appIds.add(r.app_id.toLowerCase());
    if (r.attrs.consent?.appId) appIds.add(r.attrs.consent.appId.toLowerCase());
    const found: [Kind, string][] = [];
    if (r.client_ip) found.push([r.client_ip.includes(':') ? 'ipv6-addr' : 'ipv4-addr', r.client_ip]);
    if (r.user_agent) found.push(['user-agent', r.user_agent]);
    for (const id of appIds) found.push(['app-id', id]);
    for (const [kind, value] of found) {
      const key = `${kind}\u0000${value}`;
      let o = this.seen.get(key);
      if (!o) {
        o = { kind, value, firstUs: r.ts_us, lastUs: r.ts_us, firstTime: r.time, lastTime: r.time, eventIds: [], tags: new Set() };
        this.seen.set(key, o);
      }
      if (r.ts_us < o.firstUs) [o.firstUs, o.firstTime] = [r.ts_us, r.time];
      if (r.ts_us > o.lastUs) [o.lastUs, o.lastTime] = [r.ts_us, r.time];
      o.eventIds.push(r.id);
      for (const t of r.tags) o.tags.add(t);
    }
  }

  /** Number of distinct observables so far. */
  get indicators(): number {
    return this.seen.size;
  }

  /** The bundle as JSON text. */
  bundle(meta: { caseId: string; caseLabel: string; examiner: string; createdIso: string; headHash: string }): string {
    const created = stixTime(meta.createdIso);
    const identity = {
      type: 'identity',
      spec_version: '2.1',
      id: `identity--${uuidV5(`mailtrail:examiner:${meta.examiner}`, STIX_NAMESPACE)}`,
      created,
      modified: created,
      name: meta.examiner,
      identity_class: 'individual',
    };
    const observed = [...this.seen.values()].sort((a, b) => (a.kind === b.kind ? (a.value < b.value ? -1 : 1) : a.kind < b.kind ? -1 : 1));
    const indicators = observed.map((o) => {
      const pattern = stixPattern(o.kind, o.value);
      const ids = [...new Set(o.eventIds)].sort((a, b) => a - b);
      const tags = [...o.tags].sort();
      return {
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--${uuidV5(`mailtrail:${meta.caseId}:${pattern}`, STIX_NAMESPACE)}`,
        created_by_ref: identity.id,
        created,
        modified: created,
        name: `${KIND_NAMES[o.kind]} ${o.value}`,
        description: `Seen in ${ids.length} tagged event(s) of ${meta.caseLabel} between ${o.firstTime} and ${o.lastTime}; tags: ${tags.join(', ')}; Mailtrail event ids: ${ids.slice(0, 50).join(', ')}${ids.length > 50 ? ', …' : ''}.`,
        pattern,
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: stixTime(o.firstTime),
        labels: tags,
        external_references: [
          { source_name: 'mailtrail', external_id: meta.caseId, description: `case ${meta.caseLabel}, journal head ${meta.headHash}` },
        ],
      };
    });
    const bundle = {
      type: 'bundle',
      id: `bundle--${uuidV5(`mailtrail:${meta.caseId}:${meta.headHash}:${indicators.map((i) => i.id).join(',')}`, STIX_NAMESPACE)}`,
      objects: [identity, ...indicators],
    };
    return `${JSON.stringify(bundle, null, 2)}\n`;
  }
}
