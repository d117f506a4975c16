import { describe, expect, it } from 'vitest';
import { SECONDS_BELOW, SecondsTimestamps } from '../../src/sources/timestamp-units.js';

describe('timestamps in seconds', () => {
  it('flags values below 1e11 and nothing at or above it', () => {
    const tracker = new SecondsTimestamps();
    tracker.check('ts', SECONDS_BELOW, { input: 'x', line: 1 });
    tracker.check('ts', Date.UTC(1973, 2, 4), { input: 'x', line: 2 });
    expect(tracker.notice()).toBeNull();
    tracker.check('ts', SECONDS_BELOW - 1, { input: 'x', line: 3 });
    expect(tracker.notice()).toContain('1 record(s) have ts below 1e+11');
    expect(tracker.notice()).toContain('(x:3)');
  });

  it('names the first five locations, then counts the rest', () => {
    const tracker = new SecondsTimestamps();
    for (let line = 1; line <= 9; line += 1)
      tracker.check('ts_completed', 1_767_225_600, { input: 'log', line });
    expect(tracker.notice()).toContain('9 record(s)');
    expect(tracker.notice()).toContain('(log:1, log:2, log:3, log:4, log:5 and 4 more)');
  });
});
