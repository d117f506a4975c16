import { readFile } from 'node:fs/promises';

/**
 * The id `npm run build` writes beside the bundles (scripts/build.mjs): a hash of the code that
 * runs, dependencies included. Undefined when running from the sources, which have none.
 */
export async function readBuildId(): Promise<string | undefined> {
  try {
    const id = (await readFile(new URL('./build-id', import.meta.url), 'utf8')).trim();
    return id === '' ? undefined : id;
  } catch {
    return undefined;
  }
}
