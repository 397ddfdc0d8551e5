/** `mailtrail ui [CASE] [--port P] [--json]`: serves the UI to a browser on this machine. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openCase } from '../../core/case/case-file';
import { systemClock } from '../../core/clock';
import { createCore } from '../../core/index';
import { AppData, defaultDataDir } from '../../core/host/app-data';
import { createApiHandlers } from '../../core/host/host-handlers';
import { MAILTRAIL_VERSION } from '../../shared/version';
import { EventHub } from '../host/events';
import { startLoopbackHost, type LoopbackHost } from '../host/server';
import { readPassphrase } from '../passphrase';
import { usageError, withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

/** Root of the installed package (where `dist/` and `node_modules/` are). */
const PACKAGE_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** The built renderer, built on first use when a checkout has never run `npm run build`. */
export function ensureRenderer(io: CliIo, root = PACKAGE_ROOT): string {
  const dir = join(root, 'dist', 'renderer');
  if (existsSync(join(dir, 'index.html'))) return dir;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new Error(`the renderer is not built (${dir}) and Vite is not installed: run \`npm ci && npm run build\``);
  io.stderr.write('mailtrail: building the UI once (vite build)…\n');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', join(root, 'vite.renderer.config.ts'), '--logLevel', 'error'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0 || !existsSync(join(dir, 'index.html'))) throw new Error('building the UI failed (see above)');
  return dir;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be 0..65535, got ${value}`);
  return port;
}

function untilSignal(): Promise<void> {
  return new Promise((resolveSignal) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveSignal();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Registers `ui`. */
export function registerUi(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('ui')
      .description('serve the UI to a browser on this machine (127.0.0.1 only, tokenised URL); Ctrl+C stops')
      .argument('[case]', 'case file to open first (passphrase from MAILTRAIL_PASSPHRASE or a prompt)')
      .option('--port <port>', 'TCP port on 127.0.0.1 (default: a free one)', parsePort)
      .option('--examiner <name>', 'examiner acting in this session'),
  ).action(async (file: string | undefined, opts: CommonOptions & { port?: number }, cmd: Command) => {
    let host: LoopbackHost | null = null;
    let dispose = (): void => {};
    await run(async (_file: string | undefined, _opts: CommonOptions, _cmd: Command) => {
      const events = new EventHub();
      const core = createCore({ emit: (event, payload) => events.emit(event, payload) });
      dispose = () => core.dispose();
      const appData = new AppData(defaultDataDir(io.env));
      const handlers = createApiHandlers({
        core: core.handlers,
        appData,
        info: { host: 'loopback', nativeDialogs: false, casesDir: appData.dir, platform: process.platform, version: MAILTRAIL_VERSION },
      });
      try {
        if (file) {
          const session = openCase({
            file,
            passphrase: await readPassphrase(io, file),
            examiner: opts.examiner ?? io.env['MAILTRAIL_EXAMINER'],
          });
          core.adopt(session);
          appData.remember(session.info(), systemClock());
        }
        host = await startLoopbackHost({ handlers, events, rendererDir: ensureRenderer(io), port: opts.port });
      } catch (err) {
        core.dispose();
        throw err;
      }
      return { json: { url: host.url }, human: [`Mailtrail UI: ${host.url}`, 'Open it in a browser on this machine; Ctrl+C stops.'] };
    })(file, opts, cmd);
    if (!host) return;
    await untilSignal();
    await (host as LoopbackHost).close();
    dispose();
  });
}
