/** Helpers for package tamper tests: read a ZIP's members, rewrite it, flip a byte inside one member. */
import { closeSync, createWriteStream, openSync, readSync, writeSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import { openZipReader } from '../../src/core/package/zip-read';

/** A member's name, uncompressed bytes and whether it was deflated. */
export interface Member {
  name: string;
  data: Buffer;
  compressed: boolean;
}

/** Every member of a ZIP, in central-directory order. */
export async function readMembers(file: string): Promise<Member[]> {
  const zip = await openZipReader(file);
  try {
    const out: Member[] = [];
    for (const m of zip.members) {
      const chunks: Buffer[] = [];
      for await (const c of await zip.open(m)) chunks.push(c as Buffer);
      out.push({ name: m.name, data: Buffer.concat(chunks), compressed: m.compressed });
    }
    return out;
  } finally {
    await zip.close();
  }
}

/** Writes `members` as a new ZIP. */
export async function writeMembers(file: string, members: Member[]): Promise<void> {
  const zip = new yazl.ZipFile();
  const out = createWriteStream(file);
  zip.outputStream.pipe(out);
  for (const m of members) zip.addBuffer(m.data, m.name, { compress: m.compressed, mtime: new Date(Date.UTC(2026, 0, 1)) });
  zip.end();
  await finished(out);
}

/** Flips one bit in the middle of the stored (possibly compressed) data of member `name`, in place. */
export async function flipMemberByte(file: string, name: string): Promise<void> {
  const zip = await openZipReader(file);
  const m = zip.members.find((x) => x.name === name);
  await zip.close();
  if (!m) throw new Error(`no member ${name}`);
  const fd = openSync(file, 'r+');
  try {
    // Local header: 30 fixed bytes, then the name and the extra field.
    const h = Buffer.alloc(30);
    readSync(fd, h, 0, 30, m.entry.relativeOffsetOfLocalHeader);
    const offset = m.entry.relativeOffsetOfLocalHeader + 30 + h.readUInt16LE(26) + h.readUInt16LE(28) + Math.floor(m.compressedSize / 2);
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, offset);
    b[0] = b[0]! ^ 0x04;
    writeSync(fd, b, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}
