import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
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

  describe('a lock.break on this host is judged by its pid, not its age', () => {
    /** A dead holder's store lock, and a breaker's lock.break written a minute ago. */
    function storeWithOldBreaker(breakerPid: number): { dir: string; breaker: string } {
      const dir = tempDir();
      const host = hostname();
      const record = (pid: number) =>
        `${JSON.stringify({ pid, hostname: host, acquiredAt: new Date().toISOString(), nonce: 'x.1' })}\n`;
      writeFileSync(path.join(dir, 'lock'), record(DEAD));
      const breaker = record(breakerPid);
      writeFileSync(path.join(dir, 'lock.break'), breaker);
      const minuteAgo = new Date(Date.now() - 60_000);
      utimesSync(path.join(dir, 'lock.break'), minuteAgo, minuteAgo);
      return { dir, breaker };
    }

    it('never takes over a live breaker that is only slow: two breakers could move a live lock aside', async () => {
      const { dir, breaker } = storeWithOldBreaker(LIVE);
      await expect(
        withStoreLock(dir, async () => undefined, { isProcessAlive, timeoutMs: 300, pollMs: 10 }),
      ).rejects.toMatchObject({ code: 'store_locked' });
      expect(readFileSync(path.join(dir, 'lock.break'), 'utf8')).toBe(breaker);
    });

    it('takes over a dead breaker at once, and a live pid past staleMs (a reused pid)', async () => {
      for (const [pid, staleMs] of [
        [DEAD, 600_000],
        [LIVE, 30_000],
      ] as const) {
        const { dir } = storeWithOldBreaker(pid);
        await withStoreLock(dir, async () => undefined, {
          isProcessAlive,
          timeoutMs: 2_000,
          pollMs: 10,
          staleMs,
        });
        expect(readdirSync(dir)).toEqual([]);
      }
    });
  });
});
