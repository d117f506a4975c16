/**
 * Costs are stored as integer micro-dollars (millionths of a dollar) so sums stay exact; people
 * read dollars. Rounding is done on the integers, to the nearest cent with halves rounded away
 * from zero, so 1_005_000 micros is $1.01 (binary floating point, as in `(1.005).toFixed(2)`,
 * would say $1.00).
 */
const MICROS_PER_CENT = 10_000;

/** `$1,234.57`; a non-zero amount under half a cent is `<$0.01` rather than a misleading `$0.00`. */
export function dollarsFromMicros(micros: number | null | undefined): string {
  if (micros === null || micros === undefined || !Number.isFinite(micros)) return '–';
  if (micros < 0) return `-${dollarsFromMicros(-micros)}`;
  const whole = Math.round(micros);
  const cents = Math.floor((whole + MICROS_PER_CENT / 2) / MICROS_PER_CENT);
  if (cents === 0 && whole > 0) return '<$0.01';
  return `$${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
}
