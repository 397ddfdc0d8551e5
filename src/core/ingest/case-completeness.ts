/**
 * The completeness warnings of the evidence of a case, for the views that outlive an import (the
 * Overview's evidence list, the PDF report). Apart from `completeness.ts` so that module stays free
 * of the store: the parse thread bundles it.
 */
import type { Db } from '../store/database';
import { importJudgements, itemCutWarnings } from '../store/report-repo';
import { pageSetWarnings, type PageFile } from './completeness';

/**
 * The completeness warnings of each evidence item, judged over the whole case from the journal:
 * what an item showed on its own, and for a file of one page whether any page of the case ends its
 * set. Pages imported later so clear the mark an earlier import gave (that import's
 * `import.incomplete` entries stay in the journal as what it said then); a file cut off or damaged
 * keeps its mark. Each text once.
 */
export function warningsByEvidence(db: Db): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const add = (id: number, text: string): void => {
    const list = out.get(id) ?? [];
    if (!list.includes(text)) list.push(text);
    out.set(id, list);
  };
  const pages = new Map<number, PageFile>();
  for (const j of importJudgements(db)) {
    for (const w of j.warnings) add(j.evidenceId, w);
    if (j.pageRole === null) continue;
    const o = j.origin;
    const path = o.type === 'file' ? (o.member ? `${o.path}!${o.member}` : o.path) : `#${j.evidenceId}`;
    pages.set(j.evidenceId, { path, format: j.format, pageRole: j.pageRole, pull: j.pull });
  }
  const ids = [...pages.keys()];
  for (const [k, warning] of pageSetWarnings([...pages.values()])) add(ids[k]!, warning);
  // A file cut off or damaged (a gzip file, a zip archive or member) stays so, whatever came later.
  for (const c of itemCutWarnings(db)) add(c.evidenceId, c.warning);
  return out;
}
