/**
 * A 64-bit hash of a join key (attempt id, prompt fingerprint), as two 32-bit halves. Large logs
 * keep and join keys by hash instead of as strings: eight bytes per key in a typed array, handed
 * between threads without copying, instead of a heap string per record.
 *
 * Two independent 32-bit hashes (FNV-1a and a multiply-xorshift, each finished with murmur3's
 * fmix32) over the UTF-16 code units and the length. For n distinct keys the chance that any two
 * share a hash is about n² / 2^65: one in ten million for a million attempts. Producer ids are not
 * adversarial input; a collision would make two attempts look like one id.
 */
function fmix32(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Writes the hash of `text` at `index` of `hi` and `lo`. */
export function hashKeyInto(text: string, hi: Uint32Array, lo: Uint32Array, index: number): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  hi[index] = fmix32(a ^ text.length);
  lo[index] = fmix32(b ^ Math.imul(text.length, 0x27d4eb2f));
}

const scratchHi = new Uint32Array(1);
const scratchLo = new Uint32Array(1);

/** The hash of `text` as [hi, lo]. */
export function hashKey(text: string): [number, number] {
  hashKeyInto(text, scratchHi, scratchLo, 0);
  return [scratchHi[0] as number, scratchLo[0] as number];
}

/**
 * Orders rows `a` and `b` of a column of hashes by (hi, lo): negative when a goes first, 0 for the
 * same hash. An arbitrary but fixed order, for tie-breaks that must not depend on input order.
 */
export function compareKeyHashes(hi: Uint32Array, lo: Uint32Array, a: number, b: number): number {
  return (hi[a] as number) - (hi[b] as number) || (lo[a] as number) - (lo[b] as number);
}

/**
 * hashKeyInto of the ASCII text in `bytes[start, end)`, read from the bytes: for ASCII each byte
 * is the UTF-16 code unit hashKeyInto reads, so both give the same hash. Only for ASCII ranges.
 */
export function hashAsciiKeyInto(
  bytes: Uint8Array,
  start: number,
  end: number,
  hi: Uint32Array,
  lo: Uint32Array,
  index: number,
): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = start; i < end; i += 1) {
    const c = bytes[i] as number;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const length = end - start;
  hi[index] = fmix32(a ^ length);
  lo[index] = fmix32(b ^ Math.imul(length, 0x27d4eb2f));
}
