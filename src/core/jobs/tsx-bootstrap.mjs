// Development-only start of a job worker from TypeScript sources (tsx, vitest): Node 20 ignores
// `--import` in a worker's execArgv, so the thread registers tsx's loader itself, then imports the
// real entry (`worker.ts`). Bundled builds start `worker.js` directly and never load this file.
import { workerData } from 'node:worker_threads';

const { register } = await import(workerData.tsxApi);
register();
await import(workerData.entry);
