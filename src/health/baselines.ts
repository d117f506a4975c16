import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AfterburnError } from '../common/errors.js';
import { toJson } from '../common/json.js';
import { removeStaleTemporaries, writeFileAtomic } from '../findings/atomic-write.js';
import { withStoreLock } from '../findings/lock.js';
import type { SnapshotMetric } from './snapshot.js';

/** Baselines live in the store, one file each: `<store>/baselines/<name>.json`. */
const BASELINES_DIR = 'baselines';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const StoredMetric = z.object({
  name: z.string(),
  metric: z.string(),
  scope: z.string().nullable(),
  value: z.number().nullable(),
  n: z.int().nonnegative(),
  window: z.int().positive().nullable(),
  state: z.enum(['above', 'below', 'unknown']).nullable(),
  fallback: z.boolean(),
  whole_log_value: z.number().nullable().optional(),
  items: z.int().nonnegative().optional(),
  up: z.number().nullable().optional(),
  down: z.number().nullable().optional(),
});

export const Baseline = z.object({
  schema_version: z.literal(1),
  name: z.string(),
  source: z.string(),
  saved_at: z.string(),
  inputs: z.array(z.string()),
  metrics: z.array(StoredMetric),
});
export type Baseline = z.infer<typeof Baseline>;

export function checkBaselineName(name: string): string {
  if (!NAME.test(name)) {
    throw new AfterburnError('bad_value', `invalid baseline name "${name.slice(0, 60)}"`, {
      hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit',
    });
  }
  return name;
}

function baselinePath(storeDir: string, name: string): string {
  return path.join(storeDir, BASELINES_DIR, `${checkBaselineName(name)}.json`);
}

export async function saveBaseline(
  storeDir: string,
  baseline: Omit<Baseline, 'schema_version' | 'metrics'> & { metrics: readonly SnapshotMetric[] },
): Promise<string> {
  const file = baselinePath(storeDir, baseline.name);
  await mkdir(path.dirname(file), { recursive: true });
  await withStoreLock(storeDir, async () => {
    // Under the lock, a temporary here was left by a save that was killed before its rename.
    await removeStaleTemporaries(path.dirname(file), 0, Date.now());
    await writeFileAtomic(file, `${toJson({ schema_version: 1, ...baseline }, 2)}\n`);
  });
  return file;
}

export async function loadBaseline(storeDir: string, name: string): Promise<Baseline> {
  const file = baselinePath(storeDir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AfterburnError('unknown_finding', `no baseline named "${name}" in ${path.dirname(file)}`, {
        hint: `save one first with afterburn baseline save ${name} --source … --path …`,
      });
    }
    throw new AfterburnError('corrupt_store', `cannot read baseline ${file}: ${code ?? 'error'}`, {
      hint: 'check the permissions of the store directory',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = Baseline.safeParse(json);
  if (!parsed.success) {
    throw new AfterburnError('corrupt_store', `baseline ${file} is corrupt`, {
      hint: `save it again with afterburn baseline save ${name}`,
    });
  }
  return parsed.data;
}
