import { STRING_NON_ASCII } from './scanner.js';

/**
 * Where the fast path meets the slow one. A line the fast path does not prove goes, whole and
 * unchanged, to the source's JSON.parse + zod handling, which decides what it is (a record, or a
 * skip with its reason): the fast path never skips a line itself, so every skip reason, count and
 * line number is the slow path's own.
 *
 * SLOW_PATH_VAR=1 turns the fast path off for a run (tests compare the two paths end to end with
 * it); it is not part of the contract.
 */
export const SLOW_PATH_VAR = 'AFTERBURN_TEST_SLOW_PATH';

export function fastPathEnabled(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env[SLOW_PATH_VAR] !== '1';
}

/** The line `bytes[start, end)` as the slow path takes it. */
export function lineText(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('utf8', start, end);
}

/**
 * The text of an unescaped JSON string's content `bytes[start, end)` (scanner flags `flags`): what
 * JSON.parse gives for it, since without escapes the content is the string's UTF-8 as is.
 */
export function unescapedText(bytes: Buffer, start: number, end: number, flags: number): string {
  return bytes.toString((flags & STRING_NON_ASCII) === 0 ? 'latin1' : 'utf8', start, end);
}
