#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4
// Run as a program (npx, a shell, cron, npm's shims), node gets two memory settings; they cost no
// time and together take 30-50 MB off the peak of a 256 MB log (README, "Benchmark"):
// - a 4 MB semi-space (V8's default grows to 16): the parse makes short-lived objects only;
// - glibc's mmap threshold fixed at 128 KiB: the analyzers' large typed arrays are then mapped and
//   unmapped, so a freed one goes back to the system instead of staying in malloc's arenas (glibc
//   otherwise raises the threshold after the first free). Other C libraries ignore the variable.
// Before the CLI's modules load: a run that will split a large log starts its helper threads now,
// so they load side by side with the CLI (src/cli/prestart.ts).
const { prestartHelpers } = await import('../dist/prestart.js');
prestartHelpers(process.argv, process.env);
const { main } = await import('../dist/main.js');
await main();
