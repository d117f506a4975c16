import type { Readable, Writable } from 'node:stream';

/** Everything a command may touch of the outside world, injected so commands stay testable. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly stdin: Readable;
  /** The environment with blank AFTERBURN_* variables already removed (cron files export blanks). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homeDir: string;
  readonly now: () => number;
}

export function withoutBlankVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('AFTERBURN_') && (value === undefined || value.trim() === '')) continue;
    result[key] = value;
  }
  return result;
}

export function writeLine(stream: Writable, text: string): void {
  stream.write(`${text}\n`);
}
