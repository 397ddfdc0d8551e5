/**
 * The `collect` job: {@link collect} inside a job worker thread with its own case connection (the
 * app's connection stays free for the UI). Worker progress is the shared `Progress` shape, so the
 * per-source counters and the device-code prompt travel in `detail` as JSON and are decoded on the
 * main side by {@link decodeCollectProgress}.
 */
import type { CollectProgress, CollectResult, CollectSource, DeviceCodePrompt } from '../../shared/model/collection';
import type { Progress } from '../../shared/model/progress';
import type { JobHandler } from '../jobs/types';
import type { AuthConfig } from '../auth/token-provider';
import { collect, type CollectRequest } from './index';

/** Credentials that can cross threads (the device-code callback is rebuilt in the worker). */
export type JobAuth =
  { mode: 'certificate'; certPem: string; keyPem: string } | { mode: 'secret'; secret: string } | { mode: 'device-code' };

/** Input of the collect job (structured-cloneable; the key or secret lives in memory only). */
export interface CollectJobInput {
  request: Omit<CollectRequest, 'auth'>;
  auth: JobAuth;
}

const DEVICE_CODE_PHASE = 'device-code';

/** Runs a collection in the worker's connection. */
export const collectJob: JobHandler<CollectJobInput, CollectResult> = async (input, ctx) => {
  const auth: AuthConfig =
    input.auth.mode === 'device-code'
      ? {
          mode: 'device-code',
          onDeviceCode: (info) =>
            ctx.progress({ phase: DEVICE_CODE_PHASE, done: 0, total: null, unit: 'prompt', detail: JSON.stringify(info) }),
        }
      : input.auth;
  return collect(
    ctx.session,
    { ...input.request, auth },
    {
      jobId: ctx.jobId,
      signal: ctx.signal,
      onProgress: (p) =>
        ctx.progress({
          phase: p.phase,
          done: p.done,
          total: p.total,
          unit: p.unit,
          detail: JSON.stringify({ source: p.source, records: p.records, requests: p.requests }),
        }),
    },
  );
};

/** Turns a worker progress message back into a collection progress event or a device-code prompt. */
export function decodeCollectProgress(
  p: Progress,
): { event: 'collect:progress'; payload: CollectProgress } | { event: 'collect:device-code'; payload: DeviceCodePrompt } | null {
  if (!p.detail) return null;
  try {
    if (p.phase === DEVICE_CODE_PHASE) {
      const info = JSON.parse(p.detail) as Omit<DeviceCodePrompt, 'jobId'>;
      return { event: 'collect:device-code', payload: { jobId: p.jobId, ...info } };
    }
    const d = JSON.parse(p.detail) as { source: CollectSource; records: number; requests: number };
    return {
      event: 'collect:progress',
      payload: {
        jobId: p.jobId,
        phase: p.phase,
        done: p.done,
        total: p.total,
        unit: p.unit,
        source: d.source,
        records: d.records,
        requests: d.requests,
      },
    };
  } catch {
    return null;
  }
}
