import { createHash } from 'node:crypto';

/** A short, stable hash of text (hex); used for ids and signatures, never for security. */
export function shortHash(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * Same source + type + signature → same id, run after run. Only [a-z0-9-] ever appear, so an id
 * is always a safe file name and path segment, whatever text the signature came from.
 */
export function findingId(source: string, type: string, signature: string): string {
  const prefix =
    type
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'finding';
  return `${prefix}-${shortHash(`${source}\u0000${type}\u0000${signature}`)}`;
}
