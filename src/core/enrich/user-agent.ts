/**
 * User-agent parsing: browser / OS / device from ua-parser-js (with its CLI and library
 * extensions), plus Mailtrail's maintained list of tool agents (`resources/enrich/tool-user-agents.json`)
 * that a person at a browser or Outlook never sends.
 */
import { UAParser } from 'ua-parser-js';
import { CLIs, Emails, Libraries } from 'ua-parser-js/extensions';
import { readResourceJson } from './resources';

/** One entry of the maintained tool list. */
export interface ToolAgent {
  id: string;
  name: string;
  kind: string;
  severity: 'high' | 'medium' | 'low';
  source: string;
}

/** What a user agent says. */
export interface UserAgentInfo {
  browser: string | null;
  os: string | null;
  device: string | null;
  /** A tool agent from the maintained list, or null. */
  tool: ToolAgent | null;
}

interface ToolList {
  version: string;
  agents: (ToolAgent & { pattern: string })[];
}

let tools: { version: string; agents: (ToolAgent & { re: RegExp })[] } | null = null;

/** The maintained tool list (loaded once). */
export function toolAgents(): { version: string; agents: readonly (ToolAgent & { re: RegExp })[] } {
  if (!tools) {
    const list = readResourceJson<ToolList>('tool-user-agents.json');
    tools = {
      version: list.version,
      agents: list.agents.map(({ pattern, ...a }) => ({ ...a, re: new RegExp(pattern, 'i') })),
    };
  }
  return tools;
}

/** The tool agent `ua` matches, or null. */
export function matchToolAgent(ua: string | null | undefined): ToolAgent | null {
  if (!ua) return null;
  for (const { re, ...agent } of toolAgents().agents) if (re.test(ua)) return agent;
  return null;
}

type Ext = { browser?: unknown[] };
const extensions = {
  browser: [...((CLIs as Ext).browser ?? []), ...((Libraries as Ext).browser ?? []), ...((Emails as Ext).browser ?? [])],
};
const cache = new Map<string, UserAgentInfo>();

/** Parses a user agent (cached; the same few hundred strings repeat across millions of records). */
export function parseUserAgent(ua: string): UserAgentInfo {
  const hit = cache.get(ua);
  if (hit) return hit;
  const r = new UAParser(ua, extensions as never).getResult();
  const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ') || null;
  const info: UserAgentInfo = {
    browser: join(r.browser.name, r.browser.version),
    os: join(r.os.name, r.os.version),
    device: join(r.device.vendor, r.device.model, r.device.type ? `(${r.device.type})` : undefined),
    tool: matchToolAgent(ua),
  };
  if (cache.size > 50_000) cache.clear();
  cache.set(ua, info);
  return info;
}
