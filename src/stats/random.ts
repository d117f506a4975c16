/**
 * Small seeded pseudo-random generator (mulberry32). Statistics that sample
 * must be reproducible run to run, so nothing here touches Math.random.
 */
export type RandomSource = () => number;

export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, upperExclusive); exact for bounds up to 2^53 (two draws when one is too coarse). */
export function randomIndex(random: RandomSource, upperExclusive: number): number {
  if (upperExclusive <= 4294967296) {
    return Math.floor(random() * upperExclusive);
  }
  // One 32-bit draw cannot reach every index of a range this large, so combine two.
  const combined = Math.floor(random() * 2097152) * 4294967296 + Math.floor(random() * 4294967296);
  return combined % upperExclusive;
}
