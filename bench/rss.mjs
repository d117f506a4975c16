// Preloaded into a measured child (`node --import ./bench/rss.mjs …`): on exit, writes the
// process's peak resident set size (KiB, worker threads included) to $BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE)
    writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
