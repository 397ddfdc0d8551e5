/** Shared pieces of the collection integration tests: comparing what was collected with the emulator's truth. */
import { spawn } from 'node:child_process';
import type { CaseSession } from '../../src/core/case/case-file';
import { BIN } from '../helpers/cli';
import { collectedRecordKeys } from '../../src/core/store/collect-repo';
import type { RunningEmulator, SourceName } from '../../src/emulator';
import type { CollectSource } from '../../src/shared/model/collection';
import type { EvidenceOrigin } from '../../src/shared/model/evidence';

/** The record key our import pipeline gives a record the emulator names `id`. */
function keyOf(source: SourceName, id: string): string {
  switch (source) {
    case 'ual':
    case 'mgmt':
      return `ual:${id.toLowerCase()}`;
    case 'signins':
      return `signin:${id.toLowerCase()}`;
    case 'audits':
      return `audit:${id}`;
    case 'activities':
      return `activity:${id}`;
    default:
      return id;
  }
}

/** The emulator's truth for a source, as record keys (mailbox: the emulator's `kind:…` ids). */
export function truthKeys(emu: RunningEmulator, source: SourceName, users?: readonly string[]): Set<string> {
  const ids = emu.truthIds(source, users ? { users } : {});
  return new Set([...ids].map((id) => keyOf(source, id)));
}

async function readText(session: CaseSession, id: number): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of session.evidence.open(id)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What a source delivered, in the emulator's id space: record keys of the events its pages
 * produced; for mailbox state the emulator's `messageRule:…`, `mailboxSettings:…`,
 * `oauth2PermissionGrant:…` ids, and `servicePrincipal:…` read from the stored pages (service
 * principals are evidence only).
 */
export async function collectedKeys(session: CaseSession, source: CollectSource): Promise<Set<string>> {
  const keys = collectedRecordKeys(session.db, { source });
  if (source !== 'mailbox') return keys;
  const out = new Set<string>();
  for (const k of keys) {
    let m = /^state:rule:([^:]*):(.+):[0-9a-f]+$/.exec(k);
    if (m) {
      out.add(`messageRule:${m[1]}:${m[2]}`);
      continue;
    }
    m = /^state:mailboxSettings:([^:]*):[0-9a-f]+$/.exec(k);
    if (m) {
      out.add(`mailboxSettings:${m[1]}`);
      continue;
    }
    m = /^state:grant:(.+):[0-9a-f]+$/.exec(k);
    if (m) {
      out.add(`oauth2PermissionGrant:${m[1]}`);
      continue;
    }
    out.add(k);
  }
  for (const item of session.evidence.list()) {
    const o = item.origin as EvidenceOrigin;
    if (o.type !== 'http' || o.source !== 'mailbox' || !o.url.endsWith('/servicePrincipals') || o.status !== 200) continue;
    const doc = JSON.parse(await readText(session, item.id)) as { value: { id: string }[] };
    for (const sp of doc.value) out.add(`servicePrincipal:${sp.id}`);
  }
  return out;
}

/** Elements of `a` missing from `b` (first few, for readable failures). */
export function missing(a: Set<string>, b: Set<string>, n = 5): string[] {
  const out: string[] = [];
  for (const x of a) {
    if (!b.has(x)) out.push(x);
    if (out.length >= n) break;
  }
  return out;
}

/** Tuning that makes a collection against the emulator quick (short polls and backoff) and judges horizons by its clock. */
export function emulatorTuning(emu: RunningEmulator): Record<string, unknown> {
  return {
    nowMs: Date.parse(emu.now),
    ualPollIntervalMs: 50,
    ualPollMaxIntervalMs: 200,
    baseDelayMs: 20,
    maxDelayMs: 2000,
  };
}

/** One CLI run in a child process. */
export interface ChildRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `mailtrail ...args` asynchronously (the emulator lives in the test's own event loop, so a
 * synchronous spawn would deadlock); kills it with SIGKILL after `killAfterMs` unless it ends first.
 */
export function runCli(args: string[], env: Record<string, string>, killAfterMs: number | null = null): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (status, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}
