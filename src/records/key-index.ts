/**
 * A map from 64-bit hashed keys (key-hash.ts) to non-negative integers, as an open-addressing
 * table in one typed array (at most 3/4 full): a join over a million attempts keeps one array
 * instead of a million map entries and strings. The keys are already well mixed, so the low word
 * picks the slot. A slot's key and value sit side by side, so a probe mostly touches one cache line.
 */
const SLOT_WORDS = 3;
const HI = 0;
const LO = 1;
/** value + 1; 0 is an empty slot. */
const VALUE = 2;

export class KeyIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(expectedKeys: number) {
    // Linear probing stays short up to a load of about 3/4.
    let size = 16;
    while (size * 3 < expectedKeys * 4) size *= 2;
    this.slots = new Int32Array(size * SLOT_WORDS);
    this.mask = size - 1;
  }

  /** The value stored for the key, or -1. */
  get(hi: number, lo: number): number {
    const slots = this.slots;
    let slot = lo & this.mask;
    for (;;) {
      const base = slot * SLOT_WORDS;
      const stored = slots[base + VALUE] as number;
      if (stored === 0) return -1;
      if (slots[base + LO] === (lo | 0) && slots[base + HI] === (hi | 0)) return stored - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Stores (or replaces) the value of the key. At most `expectedKeys` distinct keys fit. */
  set(hi: number, lo: number, value: number): void {
    const slots = this.slots;
    let slot = lo & this.mask;
    for (;;) {
      const base = slot * SLOT_WORDS;
      const stored = slots[base + VALUE] as number;
      if (stored === 0 || (slots[base + LO] === (lo | 0) && slots[base + HI] === (hi | 0))) {
        slots[base + HI] = hi;
        slots[base + LO] = lo;
        slots[base + VALUE] = value + 1;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}
