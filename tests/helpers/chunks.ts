import type { LineSplitter } from '../../src/input/line-splitter.js';

/**
 * Pushes `bytes` into the splitter in the given chunk sizes (cycling; a size below 1 counts as 1),
 * the way a stream would cut them, then ends it: line boundaries land anywhere, mid-character too.
 */
export function feedInChunks(splitter: LineSplitter, bytes: Uint8Array, chunkSizes: readonly number[]): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (let i = 0; offset < buffer.length; i += 1) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length] ?? 1);
    splitter.push(buffer.subarray(offset, offset + size));
    offset += size;
  }
  splitter.end(true);
}
