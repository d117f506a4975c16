// Preloaded into a measured child (`node --import ./bench/rss.mjs …`): on exit, writes the
// process's peak resident set size (KiB, worker threads included) and its CPU time (ms, user +
// system, every thread) to $BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) {
    const usage = process.resourceUsage();
    const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
    writeFileSync(process.env.BENCH_RSS_FILE, `${usage.maxRSS} ${cpuMs}`);
  }
});
