import { describe, expect, it } from 'vitest';
import {
  decimal,
  integer,
  MISSING,
  plural,
  pText,
  pValue,
  ratio,
  signedInteger,
  slope,
  stateNote,
} from '../../src/common/format.js';

// The one set of number rules every human renderer uses (issue #16, item 4).
describe('number formatting', () => {
  it('writes integers with thousands separators and never -0', () => {
    expect(integer(1234567)).toBe('1,234,567');
    expect(integer(-0.4)).toBe('0');
    expect(signedInteger(1234)).toBe('+1,234');
    expect(signedInteger(-0.3)).toBe('0');
    expect(signedInteger(-56)).toBe('-56');
  });

  it('gives slopes sensible significant digits: no -0 tokens/day, no float noise', () => {
    expect(slope(-0.054321)).toBe('-0.054');
    expect(slope(-0.0004)).toBe('-0.0004');
    expect(slope(4.2345, { signed: true })).toBe('+4.2');
    expect(slope(-7.94)).toBe('-7.9');
    expect(slope(-1234.6)).toBe('-1,235');
    expect(slope(15.4, { signed: true })).toBe('+15');
    expect(slope(0)).toBe('0');
    expect(slope(-0)).toBe('0');
  });

  it('writes p-values as a bound below 0.0001 and with two significant digits above, never p = 0.0', () => {
    expect(pText(3.3e-11)).toBe('p < 0.0001');
    expect(pText(0)).toBe('p < 0.0001');
    expect(pText(0.03214)).toBe('p = 0.032');
    expect(pText(0.0001)).toBe('p = 0.0001');
    expect(pText(1)).toBe('p = 1');
    expect(pValue(0.5428)).toBe('0.54');
    expect(pValue(1e-9)).toBe('< 0.0001');
  });

  it('puts the noun in the right number', () => {
    expect(plural(1, 'line')).toBe('1 line');
    expect(plural(0, 'line')).toBe('0 lines');
    expect(plural(2, 'dispatch', 'dispatches')).toBe('2 dispatches');
    expect(plural(1, 'dispatch', 'dispatches')).toBe('1 dispatch');
    expect(plural(12345, 'task')).toBe('12,345 tasks');
  });

  it('shows every missing value with one glyph, never the word undefined', () => {
    for (const format of [integer, signedInteger, slope, pValue, ratio, decimal]) {
      expect(format(null)).toBe(MISSING);
      expect(format(undefined)).toBe(MISSING);
    }
    expect(MISSING).toBe('–');
  });

  it('writes rates at up to four decimals, with separators when large', () => {
    expect(decimal(0.857142)).toBe('0.8571');
    expect(decimal(1)).toBe('1');
    expect(decimal(1250)).toBe('1,250');
    expect(decimal(-0.00001)).toBe('0');
  });
});

describe('hysteresis state', () => {
  it('explains a state between the levels: the last level crossed still holds', () => {
    expect(stateNote('above', 0.82, 0.85, 0.8)).toBe('above: it has not yet crossed the 0.8 down level');
    expect(stateNote('below', 0.82, 0.85, 0.8)).toBe('below: it has not yet crossed the 0.85 up level');
    expect(stateNote('above', 0.9, 0.85, 0.8)).toBe('above: at or over the 0.85 up level');
    expect(stateNote('below', 0.5, 0.85, 0.8)).toBe('below: at or under the 0.8 down level');
    expect(stateNote('unknown', 0.82, 0.85, 0.8)).toBe(
      'unknown: between the 0.8 down and 0.85 up levels, neither crossed yet',
    );
    expect(stateNote('unknown', null, 0.85, 0.8)).toBe('unknown: the window is not full yet');
  });

  it('has a short form for a table column', () => {
    expect(stateNote('above', 0.82, 0.85, 0.8, 'short')).toBe('above until ≤ 0.8');
    expect(stateNote('below', 0.82, 0.85, 0.8, 'short')).toBe('below until ≥ 0.85');
    expect(stateNote('above', 0.9, 0.85, 0.8, 'short')).toBe('above (≥ 0.85)');
  });
});
