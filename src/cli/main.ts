import os from 'node:os';
import { Command, CommanderError } from 'commander';
// Read at build time: the bundle carries its own version (scripts/build.mjs).
import manifest from '../../package.json' with { type: 'json' };
import { isAfterburnError } from '../common/errors.js';
import { oneLine as terminalSafe } from '../render/format.js';
import { registerBaseline } from './baseline.js';
import { registerCompare } from './compare.js';
import { registerDiscover } from './discover.js';
import { registerExport } from './export.js';
import { registerFindings } from './findings.js';
import { type CliIo, withoutBlankVariables } from './io.js';
import { registerMetrics } from './metrics.js';
import { boolean, booleanFlagIn, envOption, negatedOption, type OptionSpec, resolve } from './options.js';
import { registerReport } from './report.js';
import { registerSchema } from './schema.js';
import { registerSources } from './sources.js';

const ENVIRONMENT_HELP = `
Environment variables (a flag beats its variable; a blank variable counts as unset):
  AFTERBURN_DISPATCH_OUTCOMES_PATH  --path for the dispatch-outcomes source (several: separate with ':')
  AFTERBURN_<SOURCE>_PATH           --path for any other source
  AFTERBURN_SOURCE                  --source
  AFTERBURN_STORE                   --store (default .afterburn)
  AFTERBURN_FORMAT                  --format (table, json, markdown, html)
  AFTERBURN_OUT                     --out of report
  AFTERBURN_GITHUB                  --github (1/0, true/false; every boolean flag has a --no- form)
  AFTERBURN_FAIL_ON                 --fail-on
  AFTERBURN_GATE_ARMS               --gate-arms (true/false)
  AFTERBURN_ALPHA                   --alpha
  AFTERBURN_MIN_EFFECT              --min-effect (default 0.05)
  AFTERBURN_SHOW_REJECTED           --show-rejected of discover and report (true/false)
  AFTERBURN_MIN_SAMPLES             --min-samples
  AFTERBURN_REQUIRE_ACCEPTANCE      --require-acceptance (true/false)
  AFTERBURN_MAX_LINE_BYTES          --max-line-bytes
  AFTERBURN_INCREMENTAL             --incremental (true/false)
  AFTERBURN_PARALLEL_MIN_BYTES      --parallel-min-bytes (discover and export)
  AFTERBURN_THREADS                 --threads (discover and export)
  AFTERBURN_EXPORT_FORMAT           export --format (ndjson/csv/parquet)
  AFTERBURN_EXPORT_OUT              --out of export (required for parquet)
  AFTERBURN_OTEL                    export --otel (true/false)
  AFTERBURN_LOCK_TIMEOUT_MS         ms to wait for a store locked by another run (default 10000)
  AFTERBURN_TYPE, AFTERBURN_STATUS  findings list filters
  AFTERBURN_UNMEASURED              --unmeasured of findings list (true/false)
  AFTERBURN_JSON                    --json of findings list/show, metrics and sources (true/false)
  AFTERBURN_CONFIG                  --config (health windows, thresholds, limits)
  AFTERBURN_WINDOW, AFTERBURN_THRESHOLD  --window/--threshold (comma-separated metric=value)
  AFTERBURN_BASELINE                --baseline of compare
  AFTERBURN_MAX_DROP, AFTERBURN_MAX_RISE  --max-drop/--max-rise of compare
  AFTERBURN_ALLOW_UNMEASURED        --allow-unmeasured of compare (true/false)
  AFTERBURN_DEBUG                   --debug (true/false)
  NO_COLOR, FORCE_COLOR, COLUMNS    terminal output (TERM=dumb also turns colour off)
  GITHUB_ACTIONS                    true turns --github on
  GITHUB_STEP_SUMMARY               the file --github appends the markdown summary to

Exit codes: 0 ok, 1 a gate failed (--fail-on, nothing analysed under --fail-on, or a compare limit or
unmeasured metric), 2 usage, input, config or store error, 70 an internal error (a bug: rerun with
--debug and report it).
stdout closed early (| head) is not an error: the command finishes and keeps its own code.`;

const DEBUG: OptionSpec<boolean> = {
  flags: '--debug',
  description: 'show stack traces for errors',
  env: 'AFTERBURN_DEBUG',
  parse: boolean,
};

export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('afterburn')
    .description('Turns AI coding-agent telemetry into findings people act on.')
    .version(manifest.version, '-V, --version')
    .addOption(envOption(DEBUG))
    .addOption(negatedOption(DEBUG))
    .showSuggestionAfterError(true)
    .addHelpText('after', ENVIRONMENT_HELP)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's own errors become our one-line format below.
      outputError: () => {},
    })
    .exitOverride();
  registerDiscover(program, io, setExitCode);
  registerFindings(program, io);
  registerReport(program, io);
  registerExport(program, io);
  registerSchema(program, io);
  registerSources(program, io);
  registerMetrics(program, io);
  registerBaseline(program, io);
  registerCompare(program, io, setExitCode);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (t) => io.stdout.write(t),
      writeErr: (t) => io.stderr.write(t),
      outputError: () => {},
    });
    for (const sub of command.commands) {
      sub.exitOverride().configureOutput({
        writeOut: (t) => io.stdout.write(t),
        writeErr: (t) => io.stderr.write(t),
        outputError: () => {},
      });
    }
  }
  return program;
}

function oneLine(text: string): string {
  return text
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** The reader of stdout closed the pipe (`afterburn … | head -1`). */
function readerGone(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/** Runs the CLI and returns the exit code; never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  // Known before commander parses, for the errors commander itself raises.
  let debug: boolean;
  try {
    debug = resolve(DEBUG, booleanFlagIn(argv, '--debug'), io.env, false);
  } catch (error) {
    if (!isAfterburnError(error)) throw error;
    io.stderr.write(`afterburn: ${terminalSafe(error.oneLine())}\n`);
    return error.exitCode;
  }
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (error) {
    // A command waiting for stdout to drain learns of the closed pipe as this error: nothing is wrong.
    if (readerGone(error)) return exitCode;
    if (error instanceof CommanderError) {
      // Explicit --help/--version exit 0; help shown because a command was missing is a usage error.
      if (error.exitCode === 0) return 0;
      if (error.code === 'commander.help') return 2;
      io.stderr.write(`afterburn: ${oneLine(error.message)} (see afterburn --help)\n`);
      return 2;
    }
    if (isAfterburnError(error)) {
      // Messages quote paths and ids the user or a directory listing supplied: keep them inert.
      io.stderr.write(`afterburn: ${terminalSafe(error.oneLine())}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const message = terminalSafe(error instanceof Error ? error.message : String(error));
    io.stderr.write(
      `afterburn: internal error: ${message} (please report it; rerun with --debug for details)\n`,
    );
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 70;
  }
}

export async function main(): Promise<void> {
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: withoutBlankVariables(process.env),
    cwd: process.cwd(),
    homeDir: os.homedir(),
    now: Date.now,
  };
  // A reader that closes the pipe early (`| head`) is not an error. Exiting here would cut the run
  // short with 0 before a gate is decided; instead Node drops what is still written to the closed
  // stream, the command finishes, and its exit code stays its own (1 when its gate failed).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (!readerGone(error)) throw error;
  });
  process.exitCode = await run(process.argv.slice(2), io);
}
