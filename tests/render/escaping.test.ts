import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneLine } from '../../src/render/format.js';
import { escapeMarkdown } from '../../src/render/markdown.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const hostileText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .array(
      fc.constantFrom(
        '<',
        '>',
        '|',
        '\\',
        '`',
        '[',
        ']',
        '(',
        ')',
        '\u001b[31m',
        '\u009b',
        '\u202e',
        '\n',
        'a',
        '&',
      ),
    )
    .map((parts) => parts.join('')),
);

describe('escaping of data in human output', () => {
  it('oneLine leaves no control, separator or bidi-override characters', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(oneLine(text)).not.toMatch(TERMINAL_UNSAFE);
      }),
      { seed: 2, numRuns: 500 },
    );
  });

  it('a markdown cell has no HTML, no unescaped pipe and no line break', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const cell = escapeMarkdown(text);
        expect(cell).not.toMatch(/[<>\n]/);
        expect(cell).not.toMatch(TERMINAL_UNSAFE);
        // Every `|` is escaped: after removing escaped characters, none is left.
        expect(cell.replace(/\\./g, '')).not.toContain('|');
      }),
      { seed: 4, numRuns: 500 },
    );
  });

  it('known attacks come out inert', () => {
    expect(escapeMarkdown('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(escapeMarkdown('a | b')).toBe('a \\| b');
    expect(oneLine('\u001b[2Jred\u202e')).toBe('[2Jred');
  });
});
