/** Number and text formatting shared by the human renderers. */

export function integer(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
}

export function signedInteger(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const rounded = Math.round(value);
  return rounded > 0 ? `+${rounded.toLocaleString('en-US')}` : rounded.toLocaleString('en-US');
}

export function pValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value < 0.0001) return '<0.0001';
  return value.toFixed(4);
}

export function ratio(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : value.toFixed(2);
}

/**
 * Log text on one line: control characters (C0 and C1, so terminal escape sequences too), line
 * and paragraph separators, and bidirectional overrides (which can make text read differently
 * from what it is) become spaces.
 */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
}
