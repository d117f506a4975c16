// Holds a store lock from a separate, live process for tests/findings/lock.test.ts.
// Usage: node --import tsx hold-lock.mjs <storeDir>
// Prints "locked" once it holds the lock and releases it when its stdin closes.
import { withStoreLock } from '../../../src/findings/lock.ts';

const [storeDir] = process.argv.slice(2);
if (!storeDir) throw new Error('usage: hold-lock.mjs <storeDir>');

await withStoreLock(storeDir, async () => {
  process.stdout.write('locked\n');
  await new Promise((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.resume();
  });
});
process.stdout.write('released\n');
