import type { z } from 'zod';

/** The first schema problem of a record as a short phrase, e.g. `field "input_tokens": expected int, received string`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'does not match the schema';
  const field = issue.path.length > 0 ? `field "${issue.path.map(String).join('.')}"` : 'record';
  const message = issue.message.replace(/^Invalid input: /, '');
  return `${field}: ${message}`.slice(0, 200);
}
