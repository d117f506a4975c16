import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { SLOW_PATH_VAR } from '../../src/fast-path/fallback.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { reportWithoutTimes } from '../helpers/findings.js';

describe('discover with and without the fast path', () => {
  it('prints the same run report and warnings on a generated log, on one thread and on two', async () => {
    const dir = tempDir('afterburn-fast-path-');
    const log = path.join(dir, 'outcomes.jsonl');
    const chunks: string[] = [];
    generateLog({ seed: 31, targetBytes: 1_500_000, write: (chunk) => chunks.push(chunk) });
    // Hostile lines the generator does not write: escapes, CRLF, a duplicate key, a BOM mid-file.
    const extra = [
      '{"kind":"dispatch","ts_dispatched":1735700000000,"agent":"c\\u006fder","attempt_id":"e1","prompt_fingerprint":"fe1","atomic_hook_outcome":"allow"}',
      '{"kind":"dispatch","ts_dispatched":1735700000000,"agent":"coder","agent":"tester","attempt_id":"e2","prompt_fingerprint":"fe2","atomic_hook_outcome":"deny"}\r',
      '\ufeff{"kind":"dispatch"}',
      '{"kind":"finalize","ts_completed":1735700000000.5,"agent":"coder","prompt_fingerprint":"fe1","status":"completed"}',
    ];
    writeFileSync(log, `${extra.join('\n')}\n${chunks.join('')}`);
    const runs = await Promise.all(
      [
        ['fast-1', '1', {}],
        ['slow-1', '1', { [SLOW_PATH_VAR]: '1' }],
        ['fast-2', '2', {}],
        ['slow-2', '2', { [SLOW_PATH_VAR]: '1' }],
      ].map(([store, threads, env]) =>
        runCli(
          [
            'discover',
            '--path',
            log,
            '--store',
            path.join(dir, store as string),
            '--format',
            'json',
            '--threads',
            threads as string,
            '--parallel-min-bytes',
            '1000',
          ],
          { env: env as Record<string, string> },
        ),
      ),
    );
    const [fast1, slow1, fast2, slow2] = runs as [
      (typeof runs)[0],
      (typeof runs)[0],
      (typeof runs)[0],
      (typeof runs)[0],
    ];
    expect(slow1.code, slow1.stderr).toBe(0);
    expect(JSON.parse(slow1.stdout).counts.skipped).toBeGreaterThan(2);
    for (const run of [fast1, fast2, slow2]) {
      expect(run.code, run.stderr).toBe(0);
      expect(reportWithoutTimes(run.stdout)).toEqual(reportWithoutTimes(slow1.stdout));
      expect(run.stderr).toBe(slow1.stderr);
    }
  });
});
