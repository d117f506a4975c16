/**
 * A canonical text form of a JSON value: object keys sorted at every level, no insignificant
 * whitespace, and runs of whitespace inside strings folded to one space (trimmed at the ends), so
 * two proposals that differ only in key order or spacing are the same proposal.
 *
 * Keys such as `__proto__` are ordinary own keys of a JSON.parse result and stay ordinary text
 * here: nothing is ever assigned onto a fresh object by a key that came from data.
 */
export const MAX_JSON_DEPTH = 64;

function normalizeString(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string') return JSON.stringify(normalizeString(value));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return 'null';
}

/** Depth of nested arrays/objects, computed without recursion so hostile input cannot overflow the stack. */
export function jsonDepthExceeds(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= limit) return true;
    const children = Array.isArray(node) ? node : Object.values(node as Record<string, unknown>);
    for (const child of children)
      if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}
