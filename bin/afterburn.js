#!/usr/bin/env node
// Before the CLI's modules load: a run that will split a large log starts its helper thread now,
// so the two load side by side (src/cli/prestart.ts).
const { prestartHelper } = await import('../dist/cli/prestart.js');
prestartHelper(process.argv, process.env);
const { main } = await import('../dist/cli/main.js');
await main();
