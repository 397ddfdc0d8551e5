/**
 * The tenant of a scenario: organisation, users (names, places, networks, clients), the admin, the
 * app registration the collectors use, and the deterministic id helpers every builder shares.
 */
import { Rng, guidFromWords, permute128, bytesFromWords, hashString } from '../util/rng';
import { CLIENTS, DEPARTMENTS, FIRST_NAMES, FOLDERS, LAST_NAMES, PLACES, type ClientKey, type FolderKey, type Place } from './constants';

/** Tags of the id/rng coordinate space (first word after the seed; 12 bits). */
export const TAG = {
  tenant: 1,
  user: 2,
  plan: 3,
  tenantPlan: 4,
  ual: 5,
  signin: 6,
  audit: 7,
  activity: 8,
  message: 9,
  sent: 10,
  session: 11,
  folder: 12,
  rule: 13,
  story: 14,
  mgmt: 15,
  misc: 16,
  grant: 17,
  sp: 18,
} as const;

/** A mailbox user. */
export interface User {
  index: number;
  upn: string;
  alias: string;
  displayName: string;
  givenName: string;
  surname: string;
  objectId: string;
  /** Exchange/SharePoint PUID (`UserKey` of Exchange records). */
  puid: string;
  sid: string;
  mailboxGuid: string;
  department: string;
  jobTitle: string;
  placeKey: keyof typeof PLACES;
  place: Place;
  homeIp: string;
  officeIp: string;
  /** Primary mail client: Outlook desktop or a browser (OWA). */
  client: ClientKey;
  /** Uses Outlook for iOS as well. */
  mobile: boolean;
  deviceId: string;
}

/** The tenant-level identities. */
export interface Tenant {
  seed: number;
  tenantId: string;
  orgName: string;
  domain: string;
  /** The app registration collectors authenticate as. */
  app: { clientId: string; servicePrincipalId: string; displayName: string };
  admin: User;
  users: User[];
  byUpn: Map<string, User>;
  victim: number;
  traveler: number;
  /** Server name stamped in Exchange records. */
  server: string;
  sidPrefix: string;
}

const ORGS = [
  ['Fabrikam Freight', 'fabrikamfreight'],
  ['Tailspin Cargo', 'tailspincargo'],
  ['Wingtip Logistics', 'wingtiplogistics'],
  ['Alpine Haulage', 'alpinehaulage'],
] as const;

/** A GUID for coordinates. */
export function gid(seed: number, tag: number, x: number, y: number, z = 0): string {
  return guidFromWords(permute128(seed, (tag << 20) | (z & 0xfffff), x, y));
}

/** Words for coordinates (for ids that are not GUIDs). */
export function words(seed: number, tag: number, x: number, y: number, z = 0): [number, number, number, number] {
  return permute128(seed, (tag << 20) | (z & 0xfffff), x, y);
}

/**
 * An Exchange store id in one of its spellings: `AAMkA…` (REST/Graph ids), `LgAAAA…` (UAL folder
 * ids) or `RgAAAA…` (UAL item ids), built from a hash so the same object always has the same id.
 */
export function exchangeId(kind: 'rest' | 'folder' | 'item', w: readonly number[]): string {
  const more = permute128(w[0]! ^ 0x5bd1e995, w[1]!, w[2]!, w[3]!);
  const body = bytesFromWords([...w, ...more, mixWord(w), mixWord(more)]);
  if (kind === 'rest') {
    // REST/Graph ids use the URL-safe alphabet but keep the padding.
    return Buffer.concat([Buffer.from([0x00, 0x03, 0x24, 0x00]), body.subarray(0, 38)])
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
  }
  if (kind === 'folder')
    return Buffer.concat([Buffer.from([0x2e, 0x00, 0x00, 0x00]), body.subarray(0, 40), Buffer.from([0x01])]).toString('base64');
  return Buffer.concat([Buffer.from([0x46, 0x00, 0x00, 0x00]), body, Buffer.from([0x00, 0x00, 0x01])]).toString('base64');
}

function mixWord(w: readonly number[]): number {
  return (Math.imul(w[0]! ^ w[3]!, 0x9e3779b1) ^ w[1]! ^ w[2]!) >>> 0;
}

function makeUser(seed: number, index: number, taken: Set<string>, domain: string, sidPrefix: string, rng: Rng): User {
  const given = rng.pick(FIRST_NAMES);
  const surname = rng.pick(LAST_NAMES);
  let alias = `${given}.${surname}`.toLowerCase();
  for (let n = 2; taken.has(alias); n++) alias = `${given}.${surname}${n}`.toLowerCase();
  taken.add(alias);
  const placeKey = rng.weighted<keyof typeof PLACES>([
    ['us-east', 70],
    ['us-west', 15],
    ['gb', 15],
  ]);
  const place = PLACES[placeKey];
  const desktop = rng.chance(0.55);
  const client: ClientKey = desktop
    ? 'outlookDesktop'
    : rng.weighted<ClientKey>([
        ['chromeWin', 50],
        ['edgeWin', 30],
        ['safariMac', 20],
      ]);
  const [dept, title] = rng.pick(DEPARTMENTS);
  const homeNet = rng.pick(place.homeNets);
  const w = words(seed, TAG.user, index, 0);
  return {
    index,
    upn: `${alias}@${domain}`,
    alias,
    displayName: `${given} ${surname}`,
    givenName: given,
    surname,
    objectId: gid(seed, TAG.user, index, 1),
    puid: `100320${(w[0] >>> 0).toString(16).toUpperCase().padStart(8, '0')}${(w[1] & 0xff).toString(16).toUpperCase().padStart(2, '0')}`,
    sid: `${sidPrefix}-${1105 + index * 3}`,
    mailboxGuid: gid(seed, TAG.user, index, 2),
    department: dept,
    jobTitle: title,
    placeKey,
    place,
    homeIp: `${homeNet}.${rng.range(1, 254)}.${rng.range(2, 254)}`,
    officeIp: rng.pick(place.officeIps),
    client,
    mobile: rng.chance(0.4),
    deviceId: gid(seed, TAG.user, index, 3),
  };
}

/** Builds the tenant for a seed and user count (pure and deterministic). */
export function buildTenant(seed: number, userCount: number): Tenant {
  const rng = Rng.at(seed, TAG.tenant, 0, 0);
  const [orgName, slug] = rng.pick(ORGS);
  const domain = `${slug}.onmicrosoft.com`;
  const tenantId = gid(seed, TAG.tenant, 0, 1);
  const sidPrefix = `S-1-5-21-${rng.range(1e9, 4e9)}-${rng.range(1e9, 4e9)}-${rng.range(1e9, 4e9)}`;
  const taken = new Set<string>(['it.admin']);
  const users: User[] = [];
  for (let i = 0; i < userCount; i++) users.push(makeUser(seed, i, taken, domain, sidPrefix, Rng.at(seed, TAG.user, i, 0)));
  const victim = userCount > 0 ? rng.int(userCount) : 0;
  const v = users[victim];
  if (v) {
    // The storyline needs a finance mailbox at the head office that reads mail in a browser.
    Object.assign(v, {
      department: 'Finance',
      jobTitle: 'Accounts Payable Manager',
      placeKey: 'us-east',
      place: PLACES['us-east'],
      client: 'chromeWin',
      officeIp: PLACES['us-east'].officeIps[0],
    });
    if (!PLACES['us-east'].homeNets.some((n) => v.homeIp.startsWith(`${n}.`)))
      v.homeIp = `73.162.${40 + (victim % 200)}.${17 + (victim % 200)}`;
  }
  let traveler = -1;
  if (userCount >= 3) {
    traveler = (victim + 1 + rng.int(userCount - 1)) % userCount;
    const t = users[traveler]!;
    if (t.place.country !== 'US')
      Object.assign(t, {
        placeKey: 'us-east',
        place: PLACES['us-east'],
        homeIp: `98.207.${30 + (traveler % 200)}.${9 + (traveler % 200)}`,
        officeIp: PLACES['us-east'].officeIps[0],
      });
  }
  const adminRng = Rng.at(seed, TAG.user, 0xfffff, 0);
  const admin = makeUser(seed, 0xfffff, new Set(), domain, sidPrefix, adminRng);
  Object.assign(admin, {
    index: -1,
    upn: `it.admin@${domain}`,
    alias: 'it.admin',
    displayName: 'IT Admin',
    givenName: 'IT',
    surname: 'Admin',
    department: 'IT',
    jobTitle: 'Systems Administrator',
    placeKey: 'us-east',
    place: PLACES['us-east'],
    client: 'edgeWin',
    officeIp: PLACES['us-east'].officeIps[1],
    homeIp: '98.207.61.200',
    sid: `${sidPrefix}-500`,
  });
  const byUpn = new Map<string, User>();
  for (const u of users) byUpn.set(u.upn.toLowerCase(), u);
  return {
    seed,
    tenantId,
    orgName,
    domain,
    app: { clientId: gid(seed, TAG.tenant, 0, 2), servicePrincipalId: gid(seed, TAG.tenant, 0, 3), displayName: 'Mailtrail Collector' },
    admin,
    users,
    byUpn,
    victim,
    traveler,
    server: `BN${8 + rng.int(2)}PR${10 + rng.int(9)}MB${1000 + rng.int(8999)}`,
    sidPrefix,
  };
}

/** The Graph/REST id of a user's folder. */
export function folderRestId(t: Tenant, u: User, f: FolderKey): string {
  return folderRestIdByName(t, u, FOLDERS[f].name);
}

/** The Graph/REST id of a user's folder by display name (custom folders too). */
export function folderRestIdByName(t: Tenant, u: User, name: string): string {
  return exchangeId('rest', words(t.seed, TAG.folder, u.index + 1, hashString(name)));
}

const ualFolderIds = new Map<string, string>();

/** The UAL (`LgAAAA…`) id of a user's folder (memoised: every mailbox record names one). */
export function folderUalId(t: Tenant, u: User, f: FolderKey): string {
  const key = `${t.seed}:${t.tenantId}:${u.index}:${f}`;
  let id = ualFolderIds.get(key);
  if (id === undefined) {
    id = exchangeId('folder', words(t.seed, TAG.folder, u.index + 1, hashString(FOLDERS[f].name)));
    if (ualFolderIds.size > 50_000) ualFolderIds.clear();
    ualFolderIds.set(key, id);
  }
  return id;
}

/** The client strings of a user's primary client. */
export function clientOf(u: User): (typeof CLIENTS)[ClientKey] {
  return CLIENTS[u.client];
}
