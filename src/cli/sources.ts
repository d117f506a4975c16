import type { Command } from 'commander';
import { toJson } from '../common/json.js';
import { SOURCES } from '../sources/registry.js';
import { JSON_OUTPUT } from './findings.js';
import type { CliIo } from './io.js';
import { envOption, negatedOption, resolve } from './options.js';

export function registerSources(program: Command, io: CliIo): void {
  program
    .command('sources')
    .description('list the telemetry sources and the analyzers that read them')
    .addOption(envOption(JSON_OUTPUT))
    .addOption(negatedOption(JSON_OUTPUT))
    .action((flags: { json?: boolean }) => {
      const sources = SOURCES.map((source) => ({
        name: source.name,
        description: source.description,
        path_variable: source.pathEnvVar,
        default_paths: source.defaultPaths({ env: io.env, homeDir: io.homeDir }),
        analyzers: source.analyzers,
        incremental: source.incremental,
      }));
      if (resolve(JSON_OUTPUT, flags.json, io.env, false)) {
        io.stdout.write(`${toJson({ sources }, 2)}\n`);
        return;
      }
      const lines = sources.flatMap((s) => [
        s.name,
        `  ${s.description}`,
        `  path: --path or ${s.path_variable}${s.default_paths.length ? ` (default ${s.default_paths.join(', ')})` : ''}`,
        s.incremental
          ? '  --incremental: yes (reads only what was appended since the last run)'
          : '  --incremental: no (refused: every run reads the logs in full)',
        ...s.analyzers.map((a) => `  ${a.findingType}: ${a.question}`),
        '',
      ]);
      io.stdout.write(`${lines.join('\n')}\n`);
    });
}
