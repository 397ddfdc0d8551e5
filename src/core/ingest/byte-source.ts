/** Random access to the bytes of a stored archive (an evidence item, or a buffer in tests). */
export interface ByteSource {
  /** Up to `length` bytes from `start` (fewer at the end). */
  bytesAt(start: number, length: number): Buffer;
}
