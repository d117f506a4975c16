// Preloaded with `node --import` by tests/e2e/reliability.test.ts: at exit, writes the process's
// peak resident set size (KiB, from the kernel's own accounting) to the file named by
// AFTERBURN_TEST_PEAK_RSS_FILE, so a test can measure the real binary without /usr/bin/time.
import { writeFileSync } from 'node:fs';

const target = process.env.AFTERBURN_TEST_PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS));
  });
}
