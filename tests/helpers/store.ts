import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { currentGenerationSync } from '../../src/findings/generations.js';

/**
 * Where a store file is in the store's current generation (CURRENT names it); in a store of the
 * flat layout (no CURRENT), at the root. Resolve it again after every run that writes the store.
 */
export function currentFile(storeDir: string, relative: string): string {
  return path.join(currentGenerationSync(storeDir).dir, relative);
}

/**
 * Every file under a store by relative path, with its content; a symbolic link as `-> target`.
 * Two equal maps are two stores a reader cannot tell apart.
 */
export function storeFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string): void => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relative = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.isSymbolicLink()) files.set(relative, `-> ${readlinkSync(path.join(dir, relative))}`);
      else files.set(relative, readFileSync(path.join(dir, relative), 'latin1'));
    }
  };
  walk('');
  return files;
}
