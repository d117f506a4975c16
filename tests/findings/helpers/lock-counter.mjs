// Cross-process mutual-exclusion probe for tests/findings/lock.test.ts.
// Usage: node --import tsx lock-counter.mjs <storeDir> <counterFile> <iterations> <pollMs>
// Each iteration reads the counter, yields (to widen the race window), and writes counter + 1,
// all under the store lock; any overlap between processes loses an increment.
import { readFile } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { writeFileAtomic } from '../../../src/findings/atomic-write.ts';
import { withStoreLock } from '../../../src/findings/lock.ts';

const [storeDir, counterFile, iterations, pollMs] = process.argv.slice(2);
if (!storeDir || !counterFile)
  throw new Error('usage: lock-counter.mjs <storeDir> <counterFile> <n> <pollMs>');

for (let i = 0; i < Number(iterations); i++) {
  await withStoreLock(
    storeDir,
    async () => {
      const current = Number.parseInt(await readFile(counterFile, 'utf8'), 10);
      await yieldToEventLoop();
      await writeFileAtomic(counterFile, String(current + 1));
    },
    { pollMs: Number(pollMs), timeoutMs: 20_000 },
  );
}
