/**
 * Remembers the dictionary index of the last few distinct strings seen, by their bytes: a field
 * with a handful of values (an agent, a status) is then looked up without decoding a string and
 * hashing it into a Map on every line. Only for ASCII strings without escapes, whose bytes are
 * their text.
 */
const SIZE = 8;

export class RecentIds {
  private readonly texts: Uint8Array[] = [];
  private readonly ids: number[] = [];
  private next = 0;

  /** The index remembered for `bytes[start, end)`, or -1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    for (let k = 0; k < this.texts.length; k += 1) {
      const text = this.texts[k] as Uint8Array;
      if (text.length !== length) continue;
      let i = 0;
      while (i < length && text[i] === bytes[start + i]) i += 1;
      if (i === length) return this.ids[k] as number;
    }
    return -1;
  }

  remember(bytes: Uint8Array, start: number, end: number, id: number): void {
    const slot = this.next;
    this.texts[slot] = bytes.slice(start, end);
    this.ids[slot] = id;
    this.next = (slot + 1) % SIZE;
  }

  clear(): void {
    this.texts.length = 0;
    this.ids.length = 0;
    this.next = 0;
  }
}
