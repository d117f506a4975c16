/**
 * JSON as the contract wants it: no `-0`, no float noise such as 0.30000000000000004 (numbers are
 * rounded to 12 significant digits, far beyond what any count or statistic here means), and
 * non-finite numbers as null.
 */
export function cleanNumber(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  if (Number.isInteger(value)) return value === 0 ? 0 : value;
  const rounded = Number(value.toPrecision(12));
  return rounded === 0 ? 0 : rounded;
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' ? cleanNumber(value) : value;
}

export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, replacer, indent);
}
