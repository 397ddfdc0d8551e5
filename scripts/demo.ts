/**
 * `npm run demo`: runs Mailtrail's main job on built-in data, with nothing from outside.
 * For now: create an encrypted case, store a synthetic export as evidence, verify the case.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCase } from '../src/core/case/case-file';
import { verifyAndRecord } from '../src/core/custody/record-verification';

const outDir = resolve(process.env['MAILTRAIL_DEMO_DIR'] ?? 'demo-output');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, 'demo.mtcase');
const passphrase = 'mailtrail-demo';

console.log(`Mailtrail demo\n  output   ${outDir}\n  passphrase ${passphrase} (demo only)`);
const session = createCase({
  file,
  name: 'Demo: BEC at Contoso',
  number: 'DEMO-1',
  examiner: 'Demo Examiner',
  timeZone: 'Europe/Berlin',
  passphrase,
  force: true,
});
try {
  const sample = [
    '{"Id":"00000000-0000-0000-0000-000000000001","CreationTime":"2024-03-01T09:14:02","Operation":"UserLoggedIn","UserId":"ceo@contoso.com","ClientIP":"185.73.124.135:19823"}',
    '{"Id":"00000000-0000-0000-0000-000000000002","CreationTime":"2024-03-01T09:16:40","Operation":"New-InboxRule","UserId":"ceo@contoso.com","ClientIP":"185.73.124.135"}',
  ].join('\n');
  const { item } = await session.evidence.add(sample, { kind: 'file', origin: { type: 'manual', description: 'built-in demo sample' } });
  console.log(`  evidence #${item.id}  ${item.bytes} bytes  sha256 ${item.sha256}`);
  const result = verifyAndRecord(session);
  console.log(`  verify   ${result.ok ? 'ok' : 'FAILED'}  ${result.entries} journal entries  head ${result.head}`);
  console.log(`\ncase file: ${file}\nnext: MAILTRAIL_PASSPHRASE=${passphrase} npx mailtrail verify ${file}`);
  if (!result.ok) process.exitCode = 1;
} finally {
  session.close();
}
