/**
 * Writes tests/stats/fixtures/kendall-exact-reference.json: reference tail probabilities of
 * Kendall's S for n untied points, computed independently of src/stats/mann-kendall.ts (which
 * convolves in floating point), so the unit tests compare the implementation with numbers it did
 * not produce.
 *
 *   npx tsx scripts/kendall-exact-reference.ts && npx biome format --write tests/stats/fixtures
 *
 * Two independent methods, checked against each other before anything is written:
 * - brute force: every permutation of n = 4..9 items (9! = 362,880), counting inversions;
 * - the generating function prod_{k=1..n} (1 + x + … + x^(k−1)) of inversions (Mahonian numbers,
 *   OEIS A008302) in exact BigInt arithmetic, for n = 2..50.
 * S = n(n−1)/2 − 2·inversions, so P(S >= s) = #{permutations with <= (N − s)/2 inversions} / n!,
 * converted to a double with about 64 significant bits before the one final rounding.
 *
 * Published values: every entry of Kendall's table of P(S >= s) (Kendall, Rank Correlation
 * Methods, Appendix Table 1; reprinted as Gilbert 1987, Table A18) held in
 * tests/stats/fixtures/kendall-table.ts, n = 4, 5, 6, 8, 9, 10, agrees with the exact counts to
 * the table's printed precision (3 decimals, or 2 significant digits below 0.01); the script
 * checks that too and fails otherwise. E.g. n = 8: P(S >= 14) = 0.054 (exact 0.054340…),
 * P(S >= 12) = 0.089 (exact 0.089434…); n = 4: P(S >= 6) = 0.042 (= 1/24).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { KENDALL_UPPER_TAIL_TABLE } from '../tests/stats/fixtures/kendall-table.js';

const BRUTE_FORCE_MAX_N = 9;
const MAX_N = 50;
/** Upper-tail points kept per n: the far tail (where relative accuracy is hardest) and a spread to the middle. */
const FAR_TAIL_STEPS = 12;
const SPREAD_STEPS = 16;

function pairs(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Permutations of n items by number of inversions, by visiting all n! of them (Heap's algorithm). */
function bruteForceInversionCounts(n: number): number[] {
  const counts = new Array<number>(pairs(n) + 1).fill(0);
  const items = Array.from({ length: n }, (_, i) => i);
  const tally = () => {
    let inversions = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) if ((items[i] as number) > (items[j] as number)) inversions++;
    }
    counts[inversions] = (counts[inversions] as number) + 1;
  };
  const stack = new Array<number>(n).fill(0);
  tally();
  let i = 0;
  while (i < n) {
    if ((stack[i] as number) < i) {
      const other = i % 2 === 0 ? 0 : (stack[i] as number);
      [items[other], items[i]] = [items[i] as number, items[other] as number];
      tally();
      stack[i] = (stack[i] as number) + 1;
      i = 0;
    } else {
      stack[i] = 0;
      i++;
    }
  }
  return counts;
}

/** Coefficients of prod_{k=1..n} (1 + x + … + x^(k−1)), exact. */
function generatingFunctionCounts(n: number): bigint[] {
  let coefficients = [1n];
  for (let k = 2; k <= n; k++) {
    const next = new Array<bigint>(coefficients.length + k - 1).fill(0n);
    coefficients.forEach((c, degree) => {
      for (let add = 0; add < k; add++) next[degree + add] = (next[degree + add] as bigint) + c;
    });
    coefficients = next;
  }
  return coefficients;
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** numerator / denominator as the nearest-enough double: 64 exact bits of quotient, then one rounding. */
function ratio(numerator: bigint, denominator: bigint): number {
  if (numerator === 0n) return 0;
  const shift = Math.max(0, bitLength(denominator) - bitLength(numerator) + 64);
  const quotient = (numerator << BigInt(shift)) / denominator;
  return Number(quotient) * 2 ** -shift;
}

function factorial(n: number): bigint {
  let result = 1n;
  for (let k = 2n; k <= BigInt(n); k++) result *= k;
  return result;
}

/** Inversion counts k whose upper tail P(S >= N − 2k) is kept: 0..FAR_TAIL_STEPS, then evenly to the middle. */
function keptInversions(n: number): number[] {
  const middle = Math.floor(pairs(n) / 2);
  const kept = new Set<number>();
  for (let k = 0; k <= Math.min(FAR_TAIL_STEPS, middle); k++) kept.add(k);
  for (let step = 1; step <= SPREAD_STEPS; step++) kept.add(Math.round((middle * step) / SPREAD_STEPS));
  return [...kept].sort((a, b) => a - b);
}

function fail(message: string): never {
  process.stderr.write(`kendall-exact-reference: ${message}\n`);
  process.exit(1);
}

const bruteForce: Record<string, number[]> = {};
for (let n = 4; n <= BRUTE_FORCE_MAX_N; n++) {
  const counts = bruteForceInversionCounts(n);
  const exact = generatingFunctionCounts(n);
  if (counts.length !== exact.length || counts.some((count, k) => BigInt(count) !== exact[k])) {
    fail(`brute force and the generating function disagree at n = ${n}`);
  }
  bruteForce[n] = counts;
}

const upperTail: Record<string, [number, number][]> = {};
const exactUpperTail = (n: number, counts: bigint[], inversions: number): number => {
  let below = 0n;
  for (let k = 0; k <= inversions; k++) below += counts[k] as bigint;
  return ratio(below, factorial(n));
};
for (let n = 2; n <= MAX_N; n++) {
  const counts = generatingFunctionCounts(n);
  upperTail[n] = keptInversions(n).map((k) => [pairs(n) - 2 * k, exactUpperTail(n, counts, k)]);
}

for (const [nText, column] of Object.entries(KENDALL_UPPER_TAIL_TABLE)) {
  const n = Number(nText);
  const counts = generatingFunctionCounts(n);
  column.forEach((printed, k) => {
    const s = (pairs(n) % 2) + 2 * k;
    const exact = exactUpperTail(n, counts, (pairs(n) - s) / 2);
    const tolerance = printed >= 0.01 ? 0.0006 : printed * 0.05;
    if (Math.abs(exact - printed) > tolerance) fail(`published n=${n} S=${s} ${printed} but exact ${exact}`);
  });
}

const fixture = {
  description:
    "Exact P(S >= s) of Kendall's S for n untied points (BigInt generating function); brute_force_counts: permutations by inversions, by enumeration. Written by scripts/kendall-exact-reference.ts.",
  brute_force_counts: bruteForce,
  upper_tail: upperTail,
};
const target = path.resolve(import.meta.dirname, '../tests/stats/fixtures/kendall-exact-reference.json');
writeFileSync(target, `${JSON.stringify(fixture, null, 1)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
