/**
 * Reading package ZIPs with yauzl: the central directory, and each member's bytes as a stream.
 * Stored (uncompressed) members, such as the multi-gigabyte case file, are read straight from the
 * file with large positioned reads, which keeps verification at the speed of `sha256sum`.
 */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** One member from the central directory. */
export interface ZipMember {
  name: string;
  compressed: boolean;
  compressedSize: number;
  uncompressedSize: number;
  entry: yauzl.Entry;
}

/** An open package ZIP. */
export interface ZipReader {
  members: ZipMember[];
  /** Streams a member's uncompressed bytes (sizes asserted). */
  open(member: ZipMember): Promise<Readable>;
  close(): Promise<void>;
}

const READ_SIZE = 4 * 1024 * 1024;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

function readAll(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

async function* positionedReads(handle: FileHandle, start: number, length: number): AsyncGenerator<Buffer> {
  let done = 0;
  while (done < length) {
    // A fresh buffer per read: consumers (write streams) may hold chunks after we move on.
    const want = Math.min(READ_SIZE, length - done);
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(buffer, 0, want, start + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file after ${done} of ${length} bytes`);
    done += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

/** Opens a ZIP and reads its central directory. Throws when it is not a readable ZIP. */
export async function openZipReader(file: string): Promise<ZipReader> {
  const zip = await openZip(file);
  let entries: yauzl.Entry[];
  try {
    entries = await readAll(zip);
  } catch (err) {
    zip.close();
    throw err;
  }
  const handle = await openFile(file, 'r');
  const members = entries.map((entry) => ({
    name: entry.fileName,
    compressed: entry.compressionMethod !== 0,
    compressedSize: entry.compressedSize,
    uncompressedSize: entry.uncompressedSize,
    entry,
  }));
  return {
    members,
    async open(member) {
      if (!member.compressed) {
        const header = await zip.readLocalFileHeaderPromise(member.entry, { minimal: true });
        if (member.compressedSize !== member.uncompressedSize) throw new Error('stored member with differing sizes');
        return Readable.from(positionedReads(handle, header.fileDataStart, member.uncompressedSize), {
          objectMode: false,
          highWaterMark: READ_SIZE,
        });
      }
      return (await zip.openReadStreamPromise(member.entry)) as Readable;
    },
    async close() {
      zip.close();
      await handle.close();
    },
  };
}
