import type { VerifyResult } from '../../shared/model/custody';
import type { CaseSession } from '../case/case-file';
import { verifyCase, type VerifyOptions } from './verify';

/**
 * Verifies the case and, unless it was opened read-only, journals the verification and its
 * outcome. The result reports the head that was verified (the entry recording the verification
 * extends the chain after it).
 */
export function verifyAndRecord(session: CaseSession, options: VerifyOptions = {}): VerifyResult {
  const result = verifyCase(session.db, options);
  if (!session.readOnly) {
    session.journal.append('custody.verify', {
      ok: result.ok,
      entries: result.entries,
      head: result.head,
      evidence_items: result.evidenceItems,
      evidence_bytes: result.evidenceBytes,
      problems: result.problems.map((p) => p.reason),
    });
  }
  return result;
}
