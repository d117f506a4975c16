/**
 * How afterburn writes a number for people, in one place: the analyzers' descriptions, the health
 * lines and every renderer (src/render/format.ts re-exports this for them) use these, so a value
 * reads the same in the table, markdown, HTML, `metrics` and `compare`. JSON never goes through
 * here: it keeps raw numbers and `null`.
 */

/** A value that could not be measured (a window not yet full, no data), everywhere but JSON. */
export const MISSING = '–';

/** Unmeasured: no value, or NaN from a statistic over nothing. */
function isMissing(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined || Number.isNaN(value);
}

const INTEGER_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `12,345`; rounding never leaves a `-0`. */
export function integer(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  const rounded = Math.round(value);
  return INTEGER_FORMAT.format(rounded === 0 ? 0 : rounded);
}

/** `+1,234`, `-56`, `0`. */
export function signedInteger(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  const text = integer(value);
  return Math.round(value) > 0 ? `+${text}` : text;
}

/**
 * A slope (tokens/day): whole numbers with separators from 10 up, two significant digits below
 * (`-0.054`), so a small slope neither rounds to a misleading `-0` nor shows float noise.
 */
export function slope(value: number | null | undefined, options: { signed?: boolean } = {}): string {
  if (isMissing(value)) return MISSING;
  if (Math.abs(value) >= 10) return options.signed ? signedInteger(value) : integer(value);
  if (value === 0) return '0';
  const text = String(Number(value.toPrecision(2)));
  return options.signed && value > 0 ? `+${text}` : text;
}

/** Below this a p-value is written as a bound: more digits claim a precision the test lacks. */
export const P_FLOOR = 0.0001;

/** A p-value for a table cell under a `p` header: `< 0.0001`, `0.032`, `0.54`. */
export function pValue(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  if (value < P_FLOOR) return `< ${P_FLOOR}`;
  return String(Number(value.toPrecision(2)));
}

/** A p-value in prose: `p < 0.0001`, `p = 0.032`; never `p = 0.0`. */
export function pText(value: number | null | undefined): string {
  const text = pValue(value);
  return text.startsWith('<') ? `p ${text}` : `p = ${text}`;
}

/** A ratio in [0, 1] to two decimals (`0.28`). */
export function ratio(value: number | null | undefined): string {
  return isMissing(value) ? MISSING : value.toFixed(2);
}

const DECIMAL_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** A rate, or any value that may have a fraction, at up to four decimals (`0.8571`, `1`, `1,250`). */
export function decimal(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  const rounded = Math.round(value * 10_000) / 10_000;
  return DECIMAL_FORMAT.format(rounded === 0 ? 0 : rounded);
}

/** `1 line`, `2 lines`, `1,204 dispatches`: the count with its noun in the right number. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${integer(count)} ${count === 1 ? singular : pluralForm}`;
}

/**
 * A hysteresis state with why it is what it is: between the levels the state is the last one
 * crossed, which reads wrong without a word (`0.82, above` under an up level of 0.85). The long
 * form is for lines and descriptions, the short one for a table column.
 */
export function stateNote(
  state: 'above' | 'below' | 'unknown',
  value: number | null,
  up: number,
  down: number,
  form: 'long' | 'short' = 'long',
): string {
  const [u, d] = [decimal(up), decimal(down)];
  const short = form === 'short';
  if (value === null) return short ? 'unknown (no value yet)' : 'unknown: the window is not full yet';
  if (state === 'above') {
    if (value >= up) return short ? `above (≥ ${u})` : `above: at or over the ${u} up level`;
    return short ? `above until ≤ ${d}` : `above: it has not yet crossed the ${d} down level`;
  }
  if (state === 'below') {
    if (value <= down) return short ? `below (≤ ${d})` : `below: at or under the ${d} down level`;
    return short ? `below until ≥ ${u}` : `below: it has not yet crossed the ${u} up level`;
  }
  return short
    ? `unknown (${d}–${u}, none crossed)`
    : `unknown: between the ${d} down and ${u} up levels, neither crossed yet`;
}
