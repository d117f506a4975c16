import path from 'node:path';
import type { Command } from 'commander';
import { loadStoredReport } from '../core/stored-report.js';
import { writeFileAtomic } from '../findings/atomic-write.js';
import { FindingStore } from '../findings/store.js';
import { findSource } from '../sources/registry.js';
import { FORMAT, type OutputFormat, resolveStoreDir, SHOW_REJECTED, STORE } from './common-options.js';
import { defaultFormat, renderReport, SOURCE } from './discover.js';
import { githubEnabled, githubNegation, githubOption, publishToGitHub } from './github.js';
import type { CliIo } from './io.js';
import { envOption, negatedOption, nonEmpty, type OptionSpec, resolve } from './options.js';
import { formatForOutFile, outWriteError } from './out-file.js';

const OUT: OptionSpec<string> = {
  flags: '--out <file>',
  description: 'write the report to this file (replaced atomically) instead of stdout',
  env: 'AFTERBURN_OUT',
  parse: nonEmpty,
};

const FORMAT_BY_EXTENSION: Record<string, OutputFormat> = {
  '.html': 'html',
  '.htm': 'html',
  '.md': 'markdown',
  '.json': 'json',
  '.txt': 'table',
};

interface ReportFlags {
  source?: string;
  store?: string;
  format?: string;
  out?: string;
  github?: boolean;
  showRejected?: boolean;
}

export function registerReport(program: Command, io: CliIo): void {
  program
    .command('report')
    .description(
      'render the last discover run from the store: table, markdown, JSON or a self-contained HTML page',
    )
    .addOption(envOption(SOURCE))
    .addOption(envOption(STORE))
    .addOption(
      envOption({
        ...FORMAT,
        defaultDescription: 'from the --out extension, else table on a terminal, json otherwise',
      }),
    )
    .addOption(envOption(OUT))
    .addOption(envOption(SHOW_REJECTED))
    .addOption(negatedOption(SHOW_REJECTED))
    .addOption(githubOption())
    .addOption(githubNegation())
    .action(async (flags: ReportFlags) => {
      const source = findSource(resolve(SOURCE, flags.source, io.env, 'dispatch-outcomes'));
      const out = resolve<string | undefined>(OUT, flags.out, io.env, undefined);
      // With --out and no --format, the file's extension decides (report.html is HTML).
      const format =
        resolve<OutputFormat | undefined>(FORMAT, flags.format, io.env, undefined) ??
        formatForOutFile(out, FORMAT_BY_EXTENSION) ??
        defaultFormat(io);
      const github = githubEnabled(flags.github, io);
      const storeDir = resolveStoreDir(flags.store, io);
      const { report, at } = await loadStoredReport(new FindingStore(storeDir, { now: io.now }), source.name);
      const text = await renderReport(report, format, io, {
        runAt: at,
        showRejected: resolve(SHOW_REJECTED, flags.showRejected, io.env, false),
      });
      if (out === undefined) io.stdout.write(text);
      else {
        const target = path.resolve(io.cwd, out);
        try {
          await writeFileAtomic(target, text);
        } catch (error) {
          throw outWriteError(out, error);
        }
        io.stderr.write(`afterburn: wrote the ${format} report to ${out}\n`);
      }
      if (github) await publishToGitHub(report, io);
    });
}
