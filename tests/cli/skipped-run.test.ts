import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SkipReporter } from '../../src/cli/skip-reporter.js';
import { mostlySkipped, nothingAnalysed, warnIfMostlySkipped } from '../../src/cli/skipped-run.js';
import { findSource } from '../../src/sources/registry.js';
import { taskEvent, toLines } from '../helpers/task-completions.js';

const counts = (lines: number, blank: number, skipped: number, joined = 0) => ({
  lines,
  blank,
  skipped,
  dispatch: 0,
  finalize: 0,
  joined,
  denied: 0,
  unmatched_dispatch: 0,
  unmatched_finalize: 0,
  duplicates: 0,
});

function collecting(): { reporter: SkipReporter; text: () => string } {
  let text = '';
  const stderr = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { reporter: new SkipReporter(stderr), text: () => text };
}

describe('a run that skipped most of its lines', () => {
  it('warns loudly with the most common reason and the hint, only when most lines were skipped', () => {
    const { reporter, text } = collecting();
    const events = toLines(Array.from({ length: 3 }, (_, i) => taskEvent({ event_id: `e${i}` })));
    events.forEach((line, i) => {
      reporter.skipped({ input: 'x.jsonl', line: i + 1 }, 'no "kind" field', line);
    });
    const source = findSource('dispatch-outcomes');
    warnIfMostlySkipped(counts(4, 0, 3), source, reporter);
    expect(text().split('\n').at(-2)).toBe(
      'afterburn: warning: 3 of 4 non-blank lines were skipped; most common skip reason: no "kind" field (3): is --source dispatch-outcomes right? they look like task-completions records (3 of 3 sampled skipped lines fit): try --source task-completions',
    );
    const quiet = collecting();
    warnIfMostlySkipped(counts(6, 0, 3), source, quiet.reporter);
    expect(quiet.text()).toBe('');
    expect(mostlySkipped(counts(10, 8, 2))).toBe(true);
    expect(mostlySkipped(counts(10, 10, 0))).toBe(false);
  });

  it('says why nothing was analysed, in the noun of the source', () => {
    const { reporter } = collecting();
    reporter.skipped({ input: 'x', line: 1 }, 'not valid JSON');
    reporter.skipped({ input: 'x', line: 2 }, 'not valid JSON');
    reporter.skipped({ input: 'x', line: 3 }, 'no "kind" field');
    expect(nothingAnalysed(counts(3, 0, 3), findSource('dispatch-outcomes'), reporter)).toBe(
      'no joined tasks (3 lines read, 3 skipped; most common skip reason: not valid JSON (2))',
    );
    expect(nothingAnalysed(counts(3, 0, 3, 1), findSource('dispatch-outcomes'), reporter)).toBeNull();
    expect(nothingAnalysed(counts(3, 0, 0), findSource('merge-queue'), reporter)).toBeNull();
    expect(nothingAnalysed(counts(3, 3, 0), findSource('merge-queue'), collecting().reporter)).toBe(
      'no records (3 lines read, 0 skipped)',
    );
  });
});
