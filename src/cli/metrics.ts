import type { Command } from 'commander';
import { toJson } from '../common/json.js';
import { SCHEMA_VERSION } from '../findings/schema.js';
import { formatMetricLine } from '../health/snapshot.js';
import { addHealthOptions, type HealthFlags, runHealth } from './health-options.js';
import type { CliIo } from './io.js';
import { boolean, envOption, negatedOption, type OptionSpec, resolve } from './options.js';

export const JSON_OUTPUT: OptionSpec<boolean> = {
  flags: '--json',
  description: 'print JSON for scripts',
  env: 'AFTERBURN_JSON',
  parse: boolean,
  defaultDescription: 'false',
};

export function registerMetrics(program: Command, io: CliIo): void {
  addHealthOptions(
    program
      .command('metrics')
      .description('print the current health snapshot: one line per rolling rate and latency percentile'),
  )
    .addOption(envOption(JSON_OUTPUT))
    .addOption(negatedOption(JSON_OUTPUT))
    .action(async (flags: HealthFlags & { json?: boolean }) => {
      const run = await runHealth(flags, io);
      if (resolve(JSON_OUTPUT, flags.json, io.env, false)) {
        const { config: _config, ...report } = run;
        io.stdout.write(`${toJson({ schema_version: SCHEMA_VERSION, ...report }, 2)}\n`);
        return;
      }
      for (const metric of run.metrics) io.stdout.write(`${formatMetricLine(metric)}\n`);
    });
}
