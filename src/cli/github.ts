import { appendFile } from 'node:fs/promises';
import { AfterburnError } from '../common/errors.js';
import type { RunReport } from '../findings/schema.js';
import { plural } from '../render/format.js';
import { type AnnotationGate, annotationCommands, annotationsFor, stepSummary } from '../render/github.js';
import type { CliIo } from './io.js';
import { boolean, envOption, negatedOption, type OptionSpec, resolve } from './options.js';

export const GITHUB: OptionSpec<boolean> = {
  flags: '--github',
  description:
    'append a markdown summary to $GITHUB_STEP_SUMMARY and print annotations (to stderr): ::error for what fails the gate, ::warning for the rest',
  env: 'AFTERBURN_GITHUB',
  parse: boolean,
  defaultDescription: 'on when GITHUB_ACTIONS=true',
};

export const githubOption = () => envOption(GITHUB);
export const githubNegation = () => negatedOption(GITHUB);

export function githubEnabled(flag: boolean | undefined, io: CliIo): boolean {
  return resolve(GITHUB, flag, io.env, io.env.GITHUB_ACTIONS === 'true');
}

/**
 * Annotations go to stderr, which the runner reads for workflow commands too, so stdout stays the
 * report (JSON when piped).
 */
export async function publishToGitHub(report: RunReport, io: CliIo, gate?: AnnotationGate): Promise<void> {
  const { lines, omitted } = annotationCommands(annotationsFor(report, gate));
  for (const line of lines) io.stderr.write(`${line}\n`);
  if (omitted > 0)
    io.stderr.write(
      `afterburn: ${plural(omitted, 'more annotation')} not shown (GitHub shows 10 per step)\n`,
    );
  const summaryPath = io.env.GITHUB_STEP_SUMMARY;
  if (summaryPath === undefined || summaryPath === '') {
    io.stderr.write('afterburn: GITHUB_STEP_SUMMARY is not set: no job summary written\n');
    return;
  }
  try {
    await appendFile(summaryPath, stepSummary(report));
  } catch (error) {
    throw new AfterburnError(
      'report_write',
      `cannot append to GITHUB_STEP_SUMMARY ${summaryPath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      { hint: 'check the path the variable names is writable' },
    );
  }
}
