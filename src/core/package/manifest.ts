/**
 * `manifest.json` of a sealed evidence package: what the package holds (every member's SHA-256 and
 * size) and which case state it seals (case identity, journal head). Serialised with a fixed key
 * order and a trailing newline; a signature covers its exact bytes.
 */
import { z } from 'zod';

/** The format tag and version written into every manifest. */
export const PACKAGE_FORMAT = 'mailtrail-package';
export const PACKAGE_FORMAT_VERSION = 1;

/** Member names inside the ZIP. Nothing else may be present. */
export const MEMBER = {
  case: 'case.mtcase',
  journal: 'custody-journal.jsonl',
  report: 'report.pdf',
  manifest: 'manifest.json',
  signature: 'manifest.sig',
} as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const memberSchema = z.object({
  name: z.string().min(1).max(200),
  role: z.enum(['case', 'journal', 'report']),
  bytes: z.number().int().min(0),
  sha256,
});

/** Schema of `manifest.json`. */
export const manifestSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  formatVersion: z.literal(PACKAGE_FORMAT_VERSION),
  tool: z.string(),
  /** UTC ISO time of the `package.create` journal entry (the head). */
  createdAt: z.string(),
  createdAtUs: z.number().int(),
  /** Examiner who created the package. */
  createdBy: z.string(),
  case: z.object({
    id: z.string(),
    name: z.string(),
    number: z.string().nullable(),
    examiner: z.string(),
    timeZone: z.string(),
    schemaVersion: z.number().int(),
  }),
  journal: z.object({ entries: z.number().int().min(0), head: sha256, headSeq: z.number().int().min(0) }),
  evidence: z.object({ items: z.number().int().min(0), bytes: z.number().int().min(0) }),
  events: z.number().int().min(0),
  report: z.object({ timeZone: z.string() }),
  members: z.array(memberSchema).min(1),
});

/** A package manifest. */
export type Manifest = z.infer<typeof manifestSchema>;
/** One member as listed in the manifest. */
export type ManifestMember = z.infer<typeof memberSchema>;

/** The exact bytes written as `manifest.json`. */
export function serializeManifest(manifest: Manifest): Buffer {
  // zod's parse returns keys in schema order, so the text is stable whatever order the caller used.
  return Buffer.from(`${JSON.stringify(manifestSchema.parse(manifest), null, 2)}\n`, 'utf8');
}

/** Parses `manifest.json` bytes; returns the reason instead of throwing. */
export function parseManifest(bytes: Buffer): { manifest: Manifest; error: null } | { manifest: null; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { manifest: null, error: `manifest.json is not valid JSON (${(err as Error).message})` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      manifest: null,
      error: `manifest.json is not a Mailtrail package manifest (${issue?.path.join('.') || 'root'}: ${issue?.message})`,
    };
  }
  return { manifest: parsed.data, error: null };
}
