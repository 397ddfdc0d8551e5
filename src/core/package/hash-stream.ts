/** A pass-through that computes SHA-256 and counts bytes of whatever flows through it. */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Hashes bytes in flight; read {@link HashStream.digest} after `end`. */
export class HashStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private hex: string | null = null;

  constructor(private readonly onBytes?: (total: number) => void) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.hex = this.hash.digest('hex');
    callback();
  }

  /** The SHA-256 (hex) of everything that passed; only valid once the stream has ended. */
  digest(): string {
    if (this.hex === null) throw new Error('hash read before the stream ended');
    return this.hex;
  }
}
