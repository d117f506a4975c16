/** Number and text formatting shared by the human renderers (table, markdown, HTML, GitHub, CLI). */

// The number rules live below the analyzers (which write them into descriptions too); renderers
// import them from here.
export {
  decimal,
  integer,
  MISSING,
  plural,
  pText,
  pValue,
  ratio,
  signedInteger,
  slope,
  stateNote,
} from '../common/format.js';

/**
 * Log text on one line: control characters (C0 and C1, so terminal escape sequences too), line
 * and paragraph separators, and bidirectional overrides (which can make text read differently
 * from what it is) become spaces.
 */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
}
