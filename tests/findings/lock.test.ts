import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AfterburnError } from '../../src/common/errors.js';
import { observeLock, readLockHolder, removeIfUnchanged, withStoreLock } from '../../src/findings/lock.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const helpers = join(repoRoot, 'tests/findings/helpers');

let storeDir: string;
let lockPath: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  storeDir = await fs.mkdtemp(join(tmpdir(), 'afterburn-lock-'));
  lockPath = join(storeDir, 'lock');
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
  await fs.rm(storeDir, { recursive: true, force: true });
});

/** Runs a helper under tsx so it can import the TypeScript sources directly. */
function spawnHelper(script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(helpers, script), ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

async function exitCodeOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

async function waitForLine(child: ChildProcess, line: string): Promise<void> {
  let seen = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.split('\n').includes(line)) done();
    });
    child.once('exit', (code) => fail(new Error(`helper exited (${code}) before "${line}": ${stderr}`)));
  });
}

/** A pid that certainly belonged to a process which has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid;
  await exitCodeOf(child);
  if (pid === undefined) throw new Error('could not spawn a process');
  return pid;
}

async function writeLock(content: string, ageMs = 0): Promise<void> {
  await fs.mkdir(storeDir, { recursive: true });
  await fs.writeFile(lockPath, content);
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    await fs.utimes(lockPath, then, then);
  }
}

function holderJson(pid: number, host = hostname()): string {
  return JSON.stringify({ pid, hostname: host, acquiredAt: new Date().toISOString() });
}

/** Runs fn under the lock and records how many such calls were ever inside at once. */
function overlapProbe() {
  let active = 0;
  const probe = {
    maxActive: 0,
    runs: 0,
    async run(): Promise<void> {
      active += 1;
      probe.maxActive = Math.max(probe.maxActive, active);
      await sleep(1);
      probe.runs += 1;
      active -= 1;
    },
  };
  return probe;
}

async function expectLockFree(): Promise<void> {
  expect(await readLockHolder(storeDir)).toBeNull();
  expect(await fs.readdir(storeDir)).not.toContain('lock');
}

describe('store lock within one process', () => {
  it('never lets concurrent callers overlap and frees the lock afterwards', async () => {
    const probe = overlapProbe();
    await Promise.all(
      Array.from({ length: 20 }, () => withStoreLock(storeDir, () => probe.run(), { pollMs: 2 })),
    );
    expect(probe).toMatchObject({ maxActive: 1, runs: 20 });
    await expectLockFree();
  });

  it('records the holder while held and creates a missing store directory', async () => {
    const nested = join(storeDir, 'deeper', 'store');
    const holder = await withStoreLock(nested, () => readLockHolder(nested), { hostname: 'test-host' });
    expect(holder).toMatchObject({ pid: process.pid, hostname: 'test-host' });
    expect(Number.isNaN(Date.parse(holder?.acquiredAt ?? ''))).toBe(false);
    expect(await readLockHolder(nested)).toBeNull();
  });

  it('returns the result of fn and releases the lock when fn throws', async () => {
    expect(await withStoreLock(storeDir, async () => 42)).toBe(42);
    const failure = new Error('merge failed');
    await expect(withStoreLock(storeDir, () => Promise.reject(failure))).rejects.toBe(failure);
    await expectLockFree();
    await withStoreLock(storeDir, async () => undefined, { timeoutMs: 0 });
  });

  it('does not delete a lock that is no longer its own', async () => {
    const foreign = holderJson(1, 'elsewhere');
    await withStoreLock(storeDir, async () => {
      await fs.writeFile(lockPath, foreign);
    });
    expect(await fs.readFile(lockPath, 'utf8')).toBe(foreign);
  });
});

describe('store lock across processes', () => {
  it('keeps read-increment-write exact across several processes, starting from a stale lock', async () => {
    const counter = join(storeDir, 'counter');
    await fs.writeFile(counter, '0');
    // Every child starts by racing the others to break this dead holder's lock.
    await writeLock(holderJson(await deadPid()));
    const processes = 4;
    const iterations = 25;
    const workers = Array.from({ length: processes }, () =>
      spawnHelper('lock-counter.mjs', [storeDir, counter, String(iterations), '3']),
    );
    const stderr = workers.map((worker) => {
      let text = '';
      worker.stderr?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      return () => text;
    });
    const codes = await Promise.all(workers.map(exitCodeOf));
    expect({ codes, stderr: stderr.map((read) => read()) }).toEqual({
      codes: workers.map(() => 0),
      stderr: workers.map(() => ''),
    });
    expect(await fs.readFile(counter, 'utf8')).toBe(String(processes * iterations));
    await expectLockFree();
  });

  it('times out with store_locked naming a live holder, then gets the lock once it is released', async () => {
    const holder = spawnHelper('hold-lock.mjs', [storeDir]);
    await waitForLine(holder, 'locked');
    let ran = false;
    const started = performance.now();
    const error = await withStoreLock(
      storeDir,
      async () => {
        ran = true;
      },
      { timeoutMs: 300, pollMs: 20 },
    ).catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(AfterburnError);
    expect(error).toMatchObject({ code: 'store_locked' });
    const message = (error as AfterburnError).message;
    expect(message).toContain(`store ${storeDir} is locked by pid ${holder.pid} on ${hostname()} since `);
    expect((error as AfterburnError).hint).toContain(join(storeDir, 'lock'));

    holder.stdin?.end();
    expect(await exitCodeOf(holder)).toBe(0);
    await withStoreLock(storeDir, async () => undefined, { timeoutMs: 0 });
  });
});

describe('store lock stale recovery', () => {
  it('recovers a lock left by a dead pid on this host immediately', async () => {
    await writeLock(holderJson(await deadPid()));
    const started = performance.now();
    await withStoreLock(storeDir, async () => undefined, { timeoutMs: 5_000 });
    expect(performance.now() - started).toBeLessThan(1_000);
    await expectLockFree();
  });

  it('lets concurrent waiters break the same stale lock without overlapping', async () => {
    await writeLock(holderJson(await deadPid()));
    const probe = overlapProbe();
    await Promise.all(
      Array.from({ length: 10 }, () => withStoreLock(storeDir, () => probe.run(), { pollMs: 2 })),
    );
    expect(probe).toMatchObject({ maxActive: 1, runs: 10 });
    expect((await fs.readdir(storeDir)).filter((name) => name.startsWith('lock'))).toEqual([]);
  });

  it.each([
    ['unparseable', '{"pid": 12'],
    ['empty', ''],
  ])('recovers an old %s lock but waits for a young one', async (_kind, content) => {
    await writeLock(content);
    const error = await withStoreLock(storeDir, async () => undefined, { timeoutMs: 100, pollMs: 20 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'store_locked' });
    await writeLock(content, 60_000);
    await withStoreLock(storeDir, async () => undefined, { timeoutMs: 0 });
    await expectLockFree();
  });

  it('does not probe pids on another host but breaks its lock once older than staleMs', async () => {
    await writeLock(holderJson(4242, 'other-host'));
    const fast = { timeoutMs: 50, pollMs: 10, isProcessAlive: () => false };
    await expect(withStoreLock(storeDir, async () => undefined, fast)).rejects.toMatchObject({
      code: 'store_locked',
      message: expect.stringContaining('pid 4242 on other-host'),
    });
    const elevenMinutesLater = () => Date.now() + 11 * 60_000;
    await withStoreLock(storeDir, async () => undefined, { ...fast, now: elevenMinutesLater });
    await writeLock(holderJson(4242, 'other-host'), 2_000);
    await withStoreLock(storeDir, async () => undefined, { ...fast, staleMs: 1_000 });
  });

  it('asks isProcessAlive about same-host holders', async () => {
    await writeLock(holderJson(4242));
    const options = { timeoutMs: 50, pollMs: 10 };
    await expect(
      withStoreLock(storeDir, async () => undefined, { ...options, isProcessAlive: () => true }),
    ).rejects.toMatchObject({ code: 'store_locked' });
    await withStoreLock(storeDir, async () => undefined, {
      ...options,
      isProcessAlive: (pid) => pid !== 4242,
    });
  });

  it('recovers when a breaker died holding lock.break', async () => {
    const dead = await deadPid();
    await writeLock(holderJson(dead));
    await fs.writeFile(join(storeDir, 'lock.break'), holderJson(dead));
    const started = performance.now();
    await withStoreLock(storeDir, async () => undefined, { timeoutMs: 5_000, pollMs: 10 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await fs.readdir(storeDir)).toEqual([]);
  });

  it('removes an observed lock that is unchanged', async () => {
    await writeLock(holderJson(await deadPid()));
    const judged = await observeLock(lockPath);
    if (judged === null) throw new Error('lock should exist');
    expect(await removeIfUnchanged(lockPath, judged)).toBe('removed');
    expect(await fs.readdir(storeDir)).toEqual([]);
  });

  it('puts back a lock that a live process took after it was judged stale', async () => {
    await writeLock(holderJson(await deadPid()));
    const judged = await observeLock(lockPath);
    if (judged === null) throw new Error('lock should exist');
    // Another waiter broke it first and a live process has since taken the lock.
    await fs.unlink(lockPath);
    const live = holderJson(process.pid, 'other-host');
    await writeLock(live);
    expect(await removeIfUnchanged(lockPath, judged)).toBe('restored');
    expect(await fs.readFile(lockPath, 'utf8')).toBe(live);
    expect(await fs.readdir(storeDir)).toEqual(['lock']);
    expect(await removeIfUnchanged(join(storeDir, 'missing'), judged)).toBe('vanished');
  });
});
