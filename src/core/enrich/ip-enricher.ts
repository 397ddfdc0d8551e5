/**
 * The offline IP enricher: country from `@ip-location-db/geo-whois-asn-country-mmdb` (read with
 * maxmind), ASN and organisation from `@ip-location-db/asn` (CSV → in-memory range index), an
 * optional user-supplied GeoLite2-City mmdb for city and coordinates, and flags for private,
 * reserved, Microsoft-owned, hosting and anonymiser networks. Lookups are cached per IP: imports
 * see the same few thousand addresses across millions of records.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Reader } from 'maxmind';
import { MailtrailError } from '../../shared/errors';
import type { EventEnrichment } from '../store/events-repo';
import { loadAsnIndex, v6Words, type AsnIndex } from './asn-index';
import { cidrRange, ipKey, specialRange, type KeyRange } from './ip';
import { packageFile, readResourceJson } from './resources';
import type { EnrichmentSource, IpEnricher } from './index';

/** Flags attached to an address. */
export type IpFlag =
  /** RFC 1918, unique-local, loopback, link-local, CGNAT. */
  | 'private'
  /** Other special-use ranges (documentation, benchmarking, multicast, ...). */
  | 'reserved'
  /** Exchange Online / EOP / Entra ID service endpoint ranges: Microsoft's own servers acting. */
  | 'microsoft-service'
  /** Any Microsoft autonomous system (includes Azure customer VMs). */
  | 'microsoft'
  /** A hosting / cloud provider from the maintained list. */
  | 'hosting'
  /** A commercial VPN / proxy network from the maintained list. */
  | 'anonymizer'
  /** Organisation name looks like a hosting company (weaker than `hosting`). */
  | 'hosting-name';

/** Everything known about one address. */
export interface IpInfo {
  ip: string;
  country: string | null;
  countryName: string | null;
  asn: number | null;
  asOrg: string | null;
  flags: IpFlag[];
  city: string | null;
  region: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** The part of maxmind's Reader used here (records typed by the caller). */
interface MmdbReader {
  get(ip: string): unknown;
  metadata: { buildEpoch: Date; databaseType: string };
}

interface CountryRecord {
  country_code?: string;
}
interface CityRecord {
  city?: { names?: Record<string, string> };
  subdivisions?: { names?: Record<string, string> }[];
  country?: { iso_code?: string };
  location?: { latitude?: number; longitude?: number };
}

interface HostingList {
  version: string;
  orgPattern: string;
  asns: { asn: number; name: string; kind: 'hosting' | 'anonymizer' }[];
}
interface MicrosoftList {
  version: string;
  service: string[];
  asns: number[];
}
interface Centroids {
  source: string;
  countries: Record<string, { name: string; lat: number; lon: number }>;
}

/** Options for {@link createIpEnricher}. */
export interface IpEnricherOptions {
  /** Path of a user-supplied GeoLite2-City (or compatible) mmdb for city and coordinates. */
  cityDb?: string | undefined;
  /** Where the parsed ASN index is cached between processes (default: the OS temp directory). */
  cacheDir?: string | undefined;
}

/** An {@link IpEnricher} with the richer {@link IpInfo} lookup. */
export interface OfflineIpEnricher extends IpEnricher {
  /** Everything known about a canonical IP (cached). */
  describe(ip: string): IpInfo;
  /** Approximate centre of a country (ISO 3166-1 alpha-2), for distance estimates. */
  countryCentre(code: string): { lat: number; lon: number; name: string } | null;
}

const CACHE_MAX = 200_000;

function buildDateFromVersion(version: string): string | null {
  const m = /\.(\d{4})(\d{2})(\d{2})\d*$/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** Creates an enricher; databases load lazily on the first lookup. */
export function createIpEnricher(options: IpEnricherOptions = {}): OfflineIpEnricher {
  let country: MmdbReader | null = null;
  let countrySource: EnrichmentSource | null = null;
  let asn: AsnIndex | null = null;
  let asnSource: EnrichmentSource | null = null;
  let city: MmdbReader | null = null;
  let citySource: EnrichmentSource | null = null;
  let lists: {
    service: KeyRange[];
    microsoftAsns: Set<number>;
    hosting: Map<number, 'hosting' | 'anonymizer'>;
    orgPattern: RegExp;
    centroids: Centroids;
    sources: EnrichmentSource[];
  } | null = null;
  const cache = new Map<string, IpInfo>();

  const load = () => {
    if (!country) {
      const f = packageFile('@ip-location-db/geo-whois-asn-country-mmdb', 'geo-whois-asn-country.mmdb');
      country = new Reader(readFileSync(f.path)) as unknown as MmdbReader;
      countrySource = {
        name: '@ip-location-db/geo-whois-asn-country-mmdb',
        version: f.version,
        buildDate: country.metadata.buildEpoch.toISOString().slice(0, 10),
        provides: ['country'],
        license: 'CC0-1.0',
      };
    }
    if (!asn) {
      const v4 = packageFile('@ip-location-db/asn', 'asn-ipv4-num.csv');
      const v6 = packageFile('@ip-location-db/asn', 'asn-ipv6.csv');
      const cacheFile = join(options.cacheDir ?? join(tmpdir(), 'mailtrail-cache'), `asn-${v4.version}.bin`);
      asn = loadAsnIndex(v4.path, v6.path, cacheFile);
      asnSource = {
        name: '@ip-location-db/asn',
        version: v4.version,
        buildDate: buildDateFromVersion(v4.version),
        provides: ['asn', 'as_org'],
        license: 'CC-BY-4.0 (RouteViews, DB-IP, NRO); IP to ASN data by DB-IP (https://db-ip.com)',
      };
    }
    if (options.cityDb && !city) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(options.cityDb);
      } catch (err) {
        throw new MailtrailError('NOT_FOUND', `cannot read the city database ${options.cityDb}: ${(err as Error).message}`);
      }
      try {
        city = new Reader(bytes) as unknown as MmdbReader;
      } catch (err) {
        throw new MailtrailError('INVALID_INPUT', `${options.cityDb} is not a MaxMind database (.mmdb): ${(err as Error).message}`);
      }
      citySource = {
        name: `${city.metadata.databaseType} (${basename(options.cityDb)})`,
        version: city.metadata.buildEpoch.toISOString(),
        buildDate: city.metadata.buildEpoch.toISOString().slice(0, 10),
        provides: ['city', 'region', 'coordinates'],
        license: 'user-supplied database (see its licence)',
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    }
    if (!lists) {
      const ms = readResourceJson<MicrosoftList>('microsoft-ranges.json');
      const hosting = readResourceJson<HostingList>('hosting-asns.json');
      const centroids = readResourceJson<Centroids>('country-centroids.json');
      lists = {
        service: ms.service.map(cidrRange),
        microsoftAsns: new Set(ms.asns),
        hosting: new Map(hosting.asns.map((a) => [a.asn, a.kind])),
        orgPattern: new RegExp(hosting.orgPattern, 'i'),
        centroids,
        sources: [
          {
            name: 'mailtrail microsoft-ranges',
            version: ms.version,
            provides: ['flag:microsoft-service', 'flag:microsoft'],
            license: 'Mailtrail',
          },
          { name: 'mailtrail hosting-asns', version: hosting.version, provides: ['flag:hosting', 'flag:anonymizer'], license: 'Mailtrail' },
          { name: 'world-countries (country centres)', version: '5.1.0', provides: ['country-centre'], license: 'ODbL-1.0' },
        ],
      };
    }
    return { country: country!, asn: asn!, city, lists: lists! };
  };

  const describe = (ip: string): IpInfo => {
    const hit = cache.get(ip);
    if (hit) return hit;
    const db = load();
    const info: IpInfo = {
      ip,
      country: null,
      countryName: null,
      asn: null,
      asOrg: null,
      flags: [],
      city: null,
      region: null,
      latitude: null,
      longitude: null,
    };
    const special = specialRange(ip);
    const key = special ? null : ipKey(ip);
    if (special) info.flags.push(special);
    else if (key) {
      try {
        info.country = (db.country.get(ip) as CountryRecord | null)?.country_code ?? null;
      } catch {
        info.country = null;
      }
      const isV4 = key.readUInt32BE(0) === 0 && key.readUInt32BE(4) === 0 && key.readUInt32BE(8) === 0xffff;
      const hitAsn = isV4 ? db.asn.lookupV4(key.readUInt32BE(12)) : db.asn.lookupV6(v6Words(ip) ?? new Uint32Array(4));
      if (hitAsn) {
        info.asn = hitAsn.asn;
        info.asOrg = hitAsn.org;
      }
      if (db.lists.service.some((r) => key.compare(r.lo) >= 0 && key.compare(r.hi) <= 0)) info.flags.push('microsoft-service', 'microsoft');
      else if (info.asn !== null && db.lists.microsoftAsns.has(info.asn)) info.flags.push('microsoft');
      const kind = info.asn !== null ? db.lists.hosting.get(info.asn) : undefined;
      if (kind) info.flags.push(kind);
      else if (info.asOrg && !info.flags.includes('microsoft') && db.lists.orgPattern.test(info.asOrg)) info.flags.push('hosting-name');
      if (db.city) {
        try {
          const c = db.city.get(ip) as CityRecord | null;
          info.city = c?.city?.names?.['en'] ?? null;
          info.region = c?.subdivisions?.[0]?.names?.['en'] ?? null;
          info.latitude = c?.location?.latitude ?? null;
          info.longitude = c?.location?.longitude ?? null;
          if (!info.country && c?.country?.iso_code) info.country = c.country.iso_code;
        } catch {
          // A malformed city database entry leaves city fields empty.
        }
      }
    }
    if (info.country) info.countryName = db.lists.centroids.countries[info.country]?.name ?? null;
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(ip, info);
    return info;
  };

  return {
    describe,
    lookup(ip: string): EventEnrichment | null {
      const info = describe(ip);
      if (info.country === null && info.asn === null) return null;
      return { country: info.country, asn: info.asn, asOrg: info.asOrg };
    },
    sources(): EnrichmentSource[] {
      const db = load();
      void db;
      return [countrySource!, asnSource!, ...(citySource ? [citySource] : []), ...lists!.sources];
    },
    countryCentre(code: string) {
      const c = load().lists.centroids.countries[code.toUpperCase()];
      return c ? { lat: c.lat, lon: c.lon, name: c.name } : null;
    },
  };
}
