/** Fixed vocabulary of the scenario generator: first-party apps, places, networks, names, mail. */

/** First-party application and resource ids (public, documented values). */
export const APPS = {
  graph: { appId: '00000003-0000-0000-c000-000000000000', name: 'Microsoft Graph' },
  exchange: { appId: '00000002-0000-0ff1-ce00-000000000000', name: 'Office 365 Exchange Online' },
  manageApi: { appId: 'c5393580-f805-4401-95e8-94b7a6ef2fc2', name: 'Office 365 Management APIs' },
  officeHome: { appId: '4765445b-32c6-49b0-83e6-1d93765276ca', name: 'OfficeHome' },
  outlookWeb: { appId: '9199bf20-a13f-4107-85dc-02114787ef48', name: 'One Outlook Web' },
  office: { appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c', name: 'Microsoft Office' },
  outlookMobile: { appId: '27922004-5251-4030-b22d-91ecd9a37ea4', name: 'Outlook Mobile' },
  azurePortal: { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', name: 'Azure Portal' },
} as const;

/** A place users sign in from, with networks whose addresses geolocate there (checked in tests). */
export interface Place {
  country: string;
  city: string;
  state: string;
  lat: number;
  lon: number;
  /** Offset from UTC in minutes (no DST in the scenario). */
  tzOffsetMin: number;
  timeZone: string;
  /** Residential /16 prefixes (first two octets). */
  homeNets: readonly string[];
  /** The office egress addresses. */
  officeIps: readonly string[];
}

export const PLACES: Readonly<Record<'us-east' | 'us-west' | 'gb', Place>> = {
  'us-east': {
    country: 'US',
    city: 'Philadelphia',
    state: 'Pennsylvania',
    lat: 39.9526,
    lon: -75.1652,
    tzOffsetMin: -300,
    timeZone: 'Eastern Standard Time',
    homeNets: ['73.162', '98.207', '24.21'],
    officeIps: ['71.105.20.7', '71.105.20.9'],
  },
  'us-west': {
    country: 'US',
    city: 'Sacramento',
    state: 'California',
    lat: 38.5816,
    lon: -121.4944,
    tzOffsetMin: -480,
    timeZone: 'Pacific Standard Time',
    homeNets: ['73.162', '98.207'],
    officeIps: ['71.105.20.7'],
  },
  gb: {
    country: 'GB',
    city: 'Manchester',
    state: 'Manchester',
    lat: 53.4808,
    lon: -2.2426,
    tzOffsetMin: 0,
    timeZone: 'GMT Standard Time',
    homeNets: ['82.14', '86.150'],
    officeIps: ['86.150.33.12'],
  },
};

/** Where the benign traveller goes (hotel network of a German ISP). */
export const TRAVEL_PLACE = { country: 'DE', city: 'Berlin', state: 'Berlin', lat: 52.52, lon: 13.405, net: '79.200' } as const;

/** The attacker's infrastructure (hosting / VPN / mobile networks abroad). */
export const ATTACKER = {
  /** AiTM proxy that relays the phished sign-in (M247, Bulgaria). */
  aitm: { ip: '146.70.53.21', country: 'BG', city: 'Sofia', state: 'Sofia-Capital', lat: 42.6977, lon: 23.3219 },
  /** Where the attacker later sends from (MTN Nigeria mobile). */
  operator: { ip: '102.89.34.12', country: 'NG', city: 'Lagos', state: 'Lagos', lat: 6.5244, lon: 3.3792 },
  /** The consented app's back end (DigitalOcean). */
  appHost: { ip: '159.89.12.4', country: 'DE', city: 'Frankfurt am Main', state: 'Hesse', lat: 50.1109, lon: 8.6821 },
  aitmUserAgent: 'axios/1.7.7',
  appUserAgent: 'python-requests/2.32.3',
  forwardTo: 'remittance.desk@proton-mailbox.example',
  phishSender: { name: 'DocSend Notifications', address: 'no-reply@docsend-secure.example' },
  app: {
    name: 'Mail Backup Utility',
    appId: 'b2e5c1f4-7d3a-4c9e-9f10-6a8d2e4b7c31',
    publisher: 'mailbackup-tools',
    scopes: 'Mail.Read Mail.ReadWrite Mail.Send MailboxSettings.ReadWrite offline_access User.Read',
  },
} as const;

/** External organisations that mail the tenant. */
export const PARTNERS = [
  { org: 'Northwind Traders', domain: 'northwind-traders.example', people: ['Accounts Receivable', 'Maria Anders', 'Thomas Hardy'] },
  { org: 'Litware Logistics', domain: 'litware-logistics.example', people: ['Billing Team', 'Ana Trujillo', 'Antonio Moreno'] },
  { org: 'Adventure Works', domain: 'adventure-works.example', people: ['Christina Berglund', 'Hanna Moos'] },
  { org: 'Proseware Insurance', domain: 'proseware.example', people: ['Policy Desk', 'Frederique Citeaux'] },
  { org: 'Industry Weekly', domain: 'news.industryweekly.example', people: ['Industry Weekly'] },
] as const;

export const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Oliver',
  'Sophia',
  'Elijah',
  'Isabella',
  'James',
  'Mia',
  'William',
  'Amelia',
  'Benjamin',
  'Harper',
  'Lucas',
  'Evelyn',
  'Henry',
  'Abigail',
  'Alexander',
  'Emily',
  'Daniel',
  'Ella',
  'Michael',
  'Grace',
  'Samuel',
  'Chloe',
  'David',
  'Nora',
  'Joseph',
  'Lily',
  'Owen',
  'Zoe',
  'Gabriel',
  'Hannah',
  'Jack',
  'Aria',
  'Ryan',
  'Layla',
  'Nathan',
  'Priya',
  'Arjun',
  'Mei',
  'Kenji',
  'Fatima',
  'Omar',
  'Sofia',
  'Mateo',
] as const;

export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Green',
  'Baker',
  'Adams',
  'Nelson',
  'Hill',
  'Campbell',
  'Mitchell',
  'Roberts',
  'Carter',
  'Phillips',
  'Evans',
  'Turner',
  'Patel',
  'Nakamura',
  'Chen',
  'Okafor',
  'Kowalski',
  'Schmidt',
] as const;

export const DEPARTMENTS = [
  ['Sales', 'Account Executive'],
  ['Sales', 'Sales Manager'],
  ['Operations', 'Dispatch Coordinator'],
  ['Operations', 'Fleet Manager'],
  ['Engineering', 'Software Engineer'],
  ['Human Resources', 'HR Generalist'],
  ['Marketing', 'Marketing Specialist'],
  ['Customer Service', 'Customer Service Representative'],
  ['Legal', 'Paralegal'],
  ['Finance', 'Financial Analyst'],
] as const;

/** Ordinary subjects of received mail; `{n}` is replaced by a number. */
export const INBOUND_SUBJECTS = [
  'Weekly operations sync',
  'Re: Delivery schedule for next week',
  'Updated route plan {n}',
  'Lunch on Thursday?',
  'Q{q} planning deck',
  'Re: Customer escalation #{n}',
  'Team offsite agenda',
  'Reminder: timesheets due Friday',
  'Shipment {n} delayed at port',
  'Re: Contract renewal',
  'Notes from today\u2019s call',
  'New hire onboarding checklist',
  'Your weekly industry digest',
  'Invoice {n} from Litware Logistics',
  'Re: Payment confirmation for PO {n}',
  'Monthly safety bulletin',
] as const;

export const OUTBOUND_SUBJECTS = [
  'Re: Delivery schedule for next week',
  'Quick question about the route plan',
  'Re: Customer escalation #{n}',
  'Follow-up from today',
  'Draft proposal attached',
  'Re: Team offsite agenda',
  'Meeting notes',
  'Re: Contract renewal',
] as const;

export const SEARCH_TERMS = ['route plan', 'offsite', 'contract', 'timesheet', 'escalation', 'onboarding', 'safety'] as const;

/** Browsers and Outlook clients (user agent, Entra browser/OS strings). */
export const CLIENTS = {
  chromeWin: {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    browser: 'Chrome 131.0.0',
    browserType: 'Chrome',
    os: 'Windows 10',
    osShort: 'Windows10',
  },
  edgeWin: {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
    browser: 'Edge 131.0.2903',
    browserType: 'Edge',
    os: 'Windows 10',
    osShort: 'Windows10',
  },
  safariMac: {
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
    browser: 'Safari 17.6',
    browserType: 'Safari',
    os: 'MacOs',
    osShort: 'MacOs',
  },
  outlookDesktop: {
    ua: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)',
    browser: 'Rich Client 16.0.17928.20216',
    browserType: 'Other',
    os: 'Windows 10',
    osShort: 'Windows10',
  },
  outlookIos: {
    ua: 'Outlook-iOS/2.0',
    browser: 'Outlook Mobile 4.2445.0',
    browserType: 'Other',
    os: 'Ios',
    osShort: 'Ios',
  },
} as const;
export type ClientKey = keyof typeof CLIENTS;

/** Mailbox folders (well-known name, display name, path). */
export const FOLDERS = {
  inbox: { wellKnown: 'inbox', name: 'Inbox', path: '\\Inbox' },
  sentitems: { wellKnown: 'sentitems', name: 'Sent Items', path: '\\Sent Items' },
  deleteditems: { wellKnown: 'deleteditems', name: 'Deleted Items', path: '\\Deleted Items' },
  archive: { wellKnown: 'archive', name: 'Archive', path: '\\Archive' },
  junkemail: { wellKnown: 'junkemail', name: 'Junk Email', path: '\\Junk Email' },
  drafts: { wellKnown: 'drafts', name: 'Drafts', path: '\\Drafts' },
  rss: { wellKnown: 'rssfeeds', name: 'RSS Feeds', path: '\\RSS Feeds' },
  conversationhistory: { wellKnown: 'conversationhistory', name: 'Conversation History', path: '\\Conversation History' },
} as const;
export type FolderKey = keyof typeof FOLDERS;

/** Autonomous systems of the networks above (first octets → ASN), for sign-in records. */
const ASNS: readonly (readonly [string, number])[] = [
  ['73.162.', 7922],
  ['98.207.', 7922],
  ['24.21.', 7922],
  ['71.105.', 701],
  ['82.14.', 5089],
  ['86.150.', 2856],
  ['79.200.', 3320],
  ['146.70.', 9009],
  ['102.89.', 29465],
  ['159.89.', 14061],
  ['20.42.', 8075],
];

/** ASN of a scenario address (0 when unknown). */
export function asnOf(ip: string): number {
  for (const [p, asn] of ASNS) if (ip.startsWith(p)) return asn;
  return 0;
}

/** The first-party-hosted back end of the benign backup app (Azure). */
export const BACKUP_APP = {
  name: 'Fabrikam Backup Service',
  appId: '6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c',
  ip: '20.42.65.91',
} as const;

/** A benign third-party app with a delegated grant (no mail scopes). */
export const CRM_APP = {
  name: 'Contoso CRM Connector',
  appId: '3d7e9b1a-5c2f-4a8e-b6d0-9f1e2c3b4a5d',
  publisher: 'Contoso Ltd',
  scopes: 'User.Read Calendars.Read offline_access',
} as const;
