import type { Command } from 'commander';
import { checkBaselineName, saveBaseline } from '../health/baselines.js';
import { formatMetricLine } from '../health/snapshot.js';
import { resolveStoreDir, STORE } from './common-options.js';
import { addHealthOptions, type HealthFlags, runHealth } from './health-options.js';
import type { CliIo } from './io.js';
import { envOption } from './options.js';

export function registerBaseline(program: Command, io: CliIo): void {
  const baseline = program
    .command('baseline')
    .description('save health snapshots to compare later runs against');
  addHealthOptions(
    baseline
      .command('save <name>')
      .description(
        'store the current rates and percentiles as baseline <name> (overwrites one of that name)',
      ),
  )
    .addOption(envOption(STORE))
    .action(async (name: string, flags: HealthFlags & { store?: string }) => {
      checkBaselineName(name);
      // Checked before the log is read: a --store that cannot be one fails at once.
      const storeDir = resolveStoreDir(flags.store, io);
      const run = await runHealth(flags, io);
      const file = await saveBaseline(storeDir, {
        name,
        source: run.source,
        saved_at: new Date(io.now()).toISOString(),
        inputs: run.inputs,
        metrics: run.metrics,
      });
      io.stderr.write(`afterburn: saved baseline "${name}" (${run.metrics.length} metrics) to ${file}\n`);
      for (const metric of run.metrics) io.stdout.write(`${formatMetricLine(metric)}\n`);
    });
}
