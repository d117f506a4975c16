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

/** Log text on one line: control characters (including terminal escape sequences) become spaces. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}
