import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { runSource } from '../helpers/records.js';

function generate(seed: number, targetBytes: number): string {
  const chunks: string[] = [];
  generateLog({ seed, targetBytes, write: (chunk) => chunks.push(chunk) });
  return chunks.join('');
}

describe('bench log generator', () => {
  it('writes the same bytes for the same seed and size, other bytes for another seed', () => {
    const a = generate(7, 200_000);
    expect(generate(7, 200_000)).toBe(a);
    expect(generate(8, 200_000)).not.toBe(a);
    expect(Buffer.byteLength(a)).toBeGreaterThanOrEqual(200_000);
    expect(a.endsWith('\n')).toBe(true);
  });

  it('has every shape a real log has', () => {
    const lines = generate(3, 2_000_000).split('\n').slice(0, -1);
    const { counts } = runSource(lines);
    expect(counts.lines).toBe(lines.length);
    for (const key of [
      'skipped',
      'denied',
      'unmatched_dispatch',
      'unmatched_finalize',
      'duplicates',
    ] as const) {
      expect(counts[key], key).toBeGreaterThan(0);
    }
    expect(counts.joined).toBeGreaterThan(counts.dispatch * 0.8);
  });
});
