/**
 * Code-unit order of two strings, the order `Array.prototype.sort` gives them: not the locale's,
 * so an order that decides a result is the same on every machine.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
