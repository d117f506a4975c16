import type { TerminalOptions } from '../render/table.js';
import type { CliIo } from './io.js';

const DEFAULT_WIDTH = 120;

/** Width: the terminal's, then COLUMNS, then 120. Colour: only on a terminal, per NO_COLOR/FORCE_COLOR. */
export function terminalOptions(io: CliIo): TerminalOptions {
  const columns = Number(io.env.COLUMNS);
  const width =
    io.stdout.isTTY && io.stdout.columns
      ? io.stdout.columns
      : Number.isInteger(columns) && columns > 20
        ? columns
        : DEFAULT_WIDTH;
  return { width, color: colorEnabled(io) };
}

export function colorEnabled(io: CliIo): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return io.stdout.isTTY === true && io.env.TERM !== 'dumb';
}
