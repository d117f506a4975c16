#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4
// The young generation is capped at 4 MB a semi-space (V8's default grows to 16): the parse makes
// short-lived objects only, so the smaller space costs no time and 25-30 MB less peak memory on a
// 256 MB log. It only applies when the file runs as a program (npx, a shell, npm's shims).
// Before the CLI's modules load: a run that will split a large log starts its helper thread now,
// so the two load side by side (src/cli/prestart.ts).
const { prestartHelper } = await import('../dist/cli/prestart.js');
prestartHelper(process.argv, process.env);
const { main } = await import('../dist/cli/main.js');
await main();
