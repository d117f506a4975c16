/**
 * A map from 64-bit hashed keys (key-hash.ts) to non-negative integers, as an open-addressing
 * table in typed arrays (at most 3/4 full): a join over a million attempts keeps three arrays
 * instead of a million map entries and strings. The keys are already well mixed, so the low word
 * picks the slot.
 */
export class KeyIndex {
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  /** value + 1 per slot; 0 is an empty slot. */
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(expectedKeys: number) {
    // Linear probing stays short up to a load of about 3/4.
    let size = 16;
    while (size * 3 < expectedKeys * 4) size *= 2;
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.values = new Int32Array(size);
    this.mask = size - 1;
  }

  /** The value stored for the key, or -1. */
  get(hi: number, lo: number): number {
    let slot = lo & this.mask;
    for (;;) {
      const stored = this.values[slot] as number;
      if (stored === 0) return -1;
      if (this.lo[slot] === lo && this.hi[slot] === hi) return stored - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Stores (or replaces) the value of the key. At most `expectedKeys` distinct keys fit. */
  set(hi: number, lo: number, value: number): void {
    let slot = lo & this.mask;
    for (;;) {
      const stored = this.values[slot] as number;
      if (stored === 0 || (this.lo[slot] === lo && this.hi[slot] === hi)) {
        this.hi[slot] = hi;
        this.lo[slot] = lo;
        this.values[slot] = value + 1;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}
