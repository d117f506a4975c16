import { readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withStoreLock } from '../../src/findings/lock.js';
import { tempDir } from '../helpers/cli.js';

const DEAD = 4_000_001;
const LIVE = 4_000_002;
const isProcessAlive = (pid: number): boolean => pid !== DEAD;

describe('store lock leftovers of killed breakers', () => {
  it("removes the lock.break and lock.removing files of dead breakers, keeps a live breaker's", async () => {
    const dir = tempDir();
    const host = hostname();
    const holder = (pid: number): string =>
      `${JSON.stringify({ pid, hostname: host, acquiredAt: new Date().toISOString(), nonce: 'x.1' })}\n`;
    writeFileSync(path.join(dir, 'lock.break'), holder(DEAD));
    writeFileSync(path.join(dir, `lock.removing.${host}.${DEAD}.0123456789ab`), holder(DEAD));
    writeFileSync(path.join(dir, `lock.removing.${host}.${LIVE}.0123456789ab`), holder(LIVE));
    writeFileSync(path.join(dir, `lock.removing.other-host.${DEAD}.0123456789ab`), holder(DEAD));

    await withStoreLock(dir, async () => undefined, { isProcessAlive });

    // Another host's pid cannot be probed: only age would clear it.
    expect(readdirSync(dir).sort()).toEqual(
      [`lock.removing.${host}.${LIVE}.0123456789ab`, `lock.removing.other-host.${DEAD}.0123456789ab`].sort(),
    );
  });

  it("leaves a live breaker's lock.break alone", async () => {
    const dir = tempDir();
    const live = `${JSON.stringify({ pid: LIVE, hostname: hostname(), acquiredAt: new Date().toISOString() })}\n`;
    writeFileSync(path.join(dir, 'lock.break'), live);
    await withStoreLock(dir, async () => undefined, { isProcessAlive });
    expect(readdirSync(dir)).toEqual(['lock.break']);
  });
});
