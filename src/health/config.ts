import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AfterburnError } from '../common/errors.js';
import { describeIssue } from '../common/zod-issue.js';

/**
 * `afterburn.config.json`: windows and hysteresis levels of the rolling rates, and the drift
 * limits of `afterburn compare`, keyed by metric name. Strict: a misspelt key is an error, not a
 * silently ignored setting.
 */
export const CONFIG_FILE = 'afterburn.config.json';

const MetricName = z
  .string()
  .regex(/^[a-z0-9_]+(\[[a-z_]+=[^\]]*\])?$/, 'expected a metric name such as completion_rate');

export const Thresholds = z
  .strictObject({ up: z.number().finite(), down: z.number().finite() })
  .refine((t) => t.down <= t.up, { message: 'down must not be above up' });

export const Limit = z
  .strictObject({
    max_drop: z.number().nonnegative().optional(),
    max_rise: z.number().nonnegative().optional(),
  })
  .refine((l) => l.max_drop !== undefined || l.max_rise !== undefined, {
    message: 'give max_drop or max_rise',
  });
export type Limit = z.infer<typeof Limit>;

export const HealthConfig = z.strictObject({
  windows: z.record(MetricName, z.int().positive()).optional(),
  thresholds: z.record(MetricName, Thresholds).optional(),
  limits: z.record(MetricName, Limit).optional(),
});
export type HealthConfig = z.infer<typeof HealthConfig>;

/**
 * The defaults of the issue: a completion rate may drop at most 2 percentage points, a p95
 * latency rise at most 700 ms and a p50 at most 250 ms.
 */
export const DEFAULT_LIMITS: ReadonlyMap<string, Limit> = new Map([
  ['completion_rate', { max_drop: 0.02 }],
  ['ms_elapsed_p95', { max_rise: 700 }],
  ['ms_elapsed_p50', { max_rise: 250 }],
  ['run_completion_rate', { max_drop: 0.02 }],
  ['cancel_latency_ms_p95', { max_rise: 700 }],
  ['cancel_latency_ms_p50', { max_rise: 250 }],
]);

/** Reads the config: `--config` (must exist), else `afterburn.config.json` in cwd if present. */
export async function loadConfig(explicit: string | undefined, cwd: string): Promise<HealthConfig> {
  const file = path.resolve(cwd, explicit ?? CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && explicit === undefined) return {};
    throw new AfterburnError(
      'bad_config',
      `cannot read config ${explicit ?? CONFIG_FILE}: ${code ?? 'error'}`,
      {
        hint: 'pass an existing JSON file with --config or AFTERBURN_CONFIG',
      },
    );
  }
  return parseConfig(text, explicit ?? CONFIG_FILE);
}

export function parseConfig(text: string, name: string): HealthConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AfterburnError('bad_config', `config ${name} is not valid JSON`, {
      hint: 'fix the file; see README, Health rates and baselines',
    });
  }
  const result = HealthConfig.safeParse(json);
  if (!result.success) {
    throw new AfterburnError('bad_config', `config ${name}: ${describeIssue(result.error)}`, {
      hint: 'allowed keys: windows, thresholds, limits; see README, Health rates and baselines',
    });
  }
  return result.data;
}
