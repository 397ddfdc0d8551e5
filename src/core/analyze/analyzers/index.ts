/**
 * The analyzer registry, in run order: sign-in analysis first (its signals feed the others), then
 * the attacker actions, mail access, the storyline that chains them, and the examiner-driven pivot.
 */
import type { AnalyzerInfo } from '../../../shared/model/analysis';
import { attackerPivot } from './attacker-pivot';
import { becStoryline } from './bec-storyline';
import { forwarding } from './forwarding';
import { inboxRules } from './inbox-rules';
import { mailAccess } from './mail-access';
import { oauthConsent } from './oauth-consent';
import { signinAnomalies } from './signin-anomalies';
import type { Analyzer } from './types';

export type { Analyzer, AnalyzerFinding, AnalysisContext } from './types';

/** Every analyzer, in the order they run. */
export const ANALYZERS: readonly Analyzer[] = [
  signinAnomalies,
  inboxRules,
  forwarding,
  oauthConsent,
  mailAccess,
  becStoryline,
  attackerPivot,
];

/** Id, title and description of each analyzer. */
export function analyzerInfo(): AnalyzerInfo[] {
  return ANALYZERS.map((a) => ({ id: a.id, title: a.title, description: a.description }));
}
