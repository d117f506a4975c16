/**
 * The first step every JSONL source takes with a non-blank line: parse it and insist on an object.
 * JSON.parse makes keys such as `__proto__` own data keys, never a prototype, so the result is safe
 * to read; it must never be copied onto a fresh `{}` key by key.
 */
export type ParsedLine =
  | { readonly value: Record<string, unknown> }
  | { readonly problem: 'not valid JSON' | 'not a JSON object' };

export function parseJsonObject(text: string): ParsedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { problem: 'not a JSON object' };
  return { value: parsed as Record<string, unknown> };
}
