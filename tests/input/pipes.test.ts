import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitingNotice } from '../../src/cli/progress.js';
import { resolveInputs } from '../../src/input/inputs.js';
import { readLines } from '../../src/input/read-lines.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'afterburn-pipes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a named pipe as an input', () => {
  it('is resolved as a pipe (never sized or seeked), a plain file is not', async () => {
    const pipe = path.join(dir, 'live.jsonl');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    writeFileSync(path.join(dir, 'plain.jsonl'), '');
    const inputs = await resolveInputs(['live.jsonl', 'plain.jsonl'], dir);
    expect(inputs.map((input) => [input.name, input.pipe === true])).toEqual([
      ['live.jsonl', true],
      ['plain.jsonl', false],
    ]);
  });

  it('tells onWaiting once its open has waited a second for a writer, then reads what the writer sends', async () => {
    const pipe = path.join(dir, 'live.jsonl');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    const [input] = await resolveInputs([pipe], dir);
    const lines: string[] = [];
    let waited = 0;
    const reading = readLines(
      input as NonNullable<typeof input>,
      { line: (text) => lines.push(text), rejected: () => undefined },
      // A start offset would make a plain read seek: a pipe must ignore it.
      { onWaiting: () => (waited += 1), start: 5 },
    );
    await sleep(1400);
    expect(waited).toBe(1);
    // A writer opening the pipe (from another process, as a producer would) unblocks the read.
    const writer = spawnSync('sh', ['-c', 'printf "one\\ntwo\\n" > "$0"', pipe], { timeout: 10_000 });
    expect(writer.status).toBe(0);
    const result = await reading;
    expect(lines).toEqual(['one', 'two']);
    expect(result.lines).toBe(2);
    expect(waited).toBe(1);
  }, 20_000);
});

describe('the waiting notice', () => {
  it('is shown on a terminal only', () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    let shown = '';
    stderr.setEncoding('utf8').on('data', (chunk: string) => {
      shown += chunk;
    });
    waitingNotice({ stderr }).onWaiting?.({ name: 'live\u001b[2J.jsonl' });
    expect(shown).toMatch(/^afterburn: waiting for a writer to open live.*\.jsonl \(a named pipe\)\n$/);
    expect(shown).not.toContain('\u001b');
    expect(waitingNotice({ stderr: new PassThrough() }).onWaiting).toBeUndefined();
  });
});
