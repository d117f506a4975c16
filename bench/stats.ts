/**
 * Times the statistics on large series (`npm run bench:stats`). Speed lives here, never in a test:
 * Kendall's S must stay O(n log n) and Theil–Sen must not enumerate n² pairs.
 */
import { kendallS, mannKendall, mulberry32, theilSen } from '../src/stats/index.js';

function time<T>(label: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  console.log(`${label.padEnd(40)} ${(performance.now() - started).toFixed(0).padStart(6)} ms`);
  return result;
}

const random = mulberry32(42);
for (const n of [100_000, 300_000, 1_000_000]) {
  const times = Float64Array.from({ length: n }, (_, i) => 1.7e12 + 1000 * (i + Math.floor(random() * 3)));
  const values = Float64Array.from({ length: n }, (_, i) => Math.floor(9000 - i * 0.001 + random() * 1000));
  time(`kendallS n=${n}`, () => kendallS(times, values));
  time(`mannKendall n=${n}`, () => mannKendall(times, values));
  if (n <= 300_000) time(`theilSen n=${n}`, () => theilSen(times, values));
}
