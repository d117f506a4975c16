import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/sources/claude-code/index.js';
import { TranscriptReader } from '../../src/sources/claude-code/reader.js';
import { Markers, skim } from '../../src/sources/claude-code/skim.js';

/**
 * The byte prefilter (skim + markers, reader.ts) against parsing every line: the counts, the
 * records, and every skipped line with its number and reason must be the same, whether the lines
 * arrive as text or as bytes in a shared chunk. The lines are what Claude Code writes (the
 * fixture tree), bent: escapes and unicode in the fields the prefilter reads, `__proto__`,
 * duplicate keys, deep nesting, huge numbers, BOM, CRLF, whitespace, torn lines, lone surrogates.
 * Not generated: a nested value that JSON.stringify cannot write although its strings close and
 * its brackets balance (a key in an array, a bad number or escape, a raw control character): the
 * skim does not check those (skim.ts says so).
 */
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/claude-code');

function fixtureFiles(): [string, string[]][] {
  const files: [string, string[]][] = [];
  for (const entry of readdirSync(FIXTURES, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.jsonl')) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.push([path.relative(FIXTURES, file), readFileSync(file, 'utf8').trimEnd().split('\n')]);
  }
  return files.sort(([a], [b]) => (a < b ? -1 : 1));
}

const FILES = fixtureFiles();
const LINES = FILES.flatMap(([, lines]) => lines);

type Feed = 'text' | 'bytes';

/** Reads `files` with or without the prefilter; returns the summary and every skip. */
function run(files: readonly [string, readonly string[]][], fastPath: boolean, feed: Feed) {
  const skips: string[] = [];
  const diagnostics = {
    skipped: (at: { input: string; line: number }, reason: string) =>
      skips.push(`${at.input}:${at.line} ${reason}`),
  };
  const reader = new TranscriptReader(diagnostics, fastPath);
  for (const [name, lines] of files) {
    reader.beginInput(undefined);
    // Bytes as the line splitter hands them on: ranges of one chunk holding every line.
    const chunk = Buffer.from(lines.join('\n'));
    let start = 0;
    for (const [index, text] of lines.entries()) {
      const end = start + Buffer.byteLength(text);
      const location = { input: name, line: index + 1 };
      if (feed === 'bytes') reader.acceptBytes(chunk, start, end, location);
      else reader.acceptLine(text, location);
      start = end + 1;
    }
  }
  const summary = summarize(reader.inputs(), { skipped: () => {} });
  return { counts: summary.counts, dataset: summary.dataset, skips };
}

/** Bytes only reach a source as valid UTF-8 (the splitter rejects the rest). */
const wellFormed = (text: string): boolean => !/\p{Cs}/u.test(text);

const SWAPS: [string, string][] = [
  ['"name":"Agent"', '"name":"\\u0041gent"'],
  ['"name":"Task"', '"name":"T\\u0061sk"'],
  ['"type":"tool_result"', '"type":"tool\\u005fresult"'],
  ['"type":"user"', '"t\\u0079pe":"user"'],
  ['"type":"assistant"', '"type":"assistant","type":"user"'],
  ['"type":"user"', '"type":"user","type":7'],
  ['"sessionId":"', '"sessionId":"\\u00e9\\"'],
  ['"usage":', '"us\\u0061ge":'],
  ['"usage":', '"__proto__":{"usage":1},"usage":'],
  ['"is_error":true', '"is_error" : true'],
  ['"tool_use_id":"', '"tool_use_id" :"'],
  ['"tool_use_id":"', '"tool_use_id":"\\u0074'],
  ['"agentId":"', '"agentId":"ü😀'],
  ['"isSidechain":false', '"isSidechain":true'],
  ['"isSidechain":true', '"isSidechain":"true"'],
  ['"timestamp":"', '"timestamp":"\\u0032'],
  ['"content":', '"deep":[[[[[[[[[[[[[[[[{"a":[{}]}]]]]]]]]]]]]]]],"content":'],
  ['"input_tokens":', '"input_tokens":1e400,"x":123456789012345678901234567890,"input_tokens":'],
  ['{', '{"toolUseResult":"Error: no","toolUseResult":{"agentId":"a"},'],
];

const edit = fc.oneof(
  // A field the prefilter reads, written otherwise.
  fc.constantFrom(...SWAPS).map(
    ([from, to]) =>
      (line: string) =>
        line.replace(from, to),
  ),
  // Torn: the line cut at any point (a crash mid-write).
  fc
    .double({ min: 0, max: 1, noNaN: true })
    .map((at) => (line: string) => line.slice(0, Math.floor(at * line.length))),
  // Framing around a well-formed object.
  fc.constantFrom('\ufeff', ' ', '\t', '[', '"').map((prefix) => (line: string) => prefix + line),
  fc.constantFrom('\r', ' ', '}', ',', 'x', '\u2028').map((suffix) => (line: string) => line + suffix),
  // A string value that holds anything, including markers, quotes and lone surrogates.
  fc
    .string({ unit: 'binary', maxLength: 12 })
    .map((value) => (line: string) => line.replace(/"text":"/, `"text":${JSON.stringify(value)},"x":"`)),
  fc
    .constantFrom('"Agent"', '"usage"', '"agentId"', '"status"', '"tool_result"', '{"tool_use_id":"x"}')
    .map((marker) => (line: string) => line.replace(/"content":\[/, `"content":[${marker},`)),
);

const hostileLine = fc
  .tuple(fc.constantFrom(...LINES), fc.array(edit, { maxLength: 3 }))
  .map(([line, edits]) => edits.reduce((text, apply) => apply(text), line));

describe('claude-code byte prefilter', () => {
  it('on the fixture tree: the same counts, records and skips as parsing every line, as text or as bytes', () => {
    const full = run(FILES, false, 'text');
    expect(run(FILES, true, 'text')).toEqual(full);
    expect(run(FILES, true, 'bytes')).toEqual(full);
    expect(run(FILES, false, 'bytes')).toEqual(full);
    // The fixture holds joined, failed and compacted subagents: otherwise this compares little.
    expect(full.counts.joined).toBeGreaterThan(0);
    expect(full.counts.failed).toBeGreaterThan(0);
  });

  it('on hostile and edge lines: the same counts, records, skips, line numbers and reasons', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(...FILES.map(([name]) => name)), fc.array(hostileLine, { maxLength: 12 })),
          { maxLength: 4 },
        ),
        (files) => {
          const full = run(files, false, 'text');
          expect(run(files, true, 'text')).toEqual(full);
          const utf8 = files.filter(([, lines]) => lines.every(wellFormed));
          expect(run(utf8, true, 'bytes')).toEqual(run(utf8, false, 'text'));
        },
      ),
      { seed: 20261207, numRuns: 400 },
    );
  });

  it('the markers are found under escapes, as JSON.parse reads them, and never inside a longer string', () => {
    const markers = new Markers(['Agent', 'usage']);
    const of = (text: string) => skim(Buffer.from(text), markers);
    expect(of('{"a":{"name":"\\u0041gent"}}')?.nested).toBe(markers.bits(['Agent']));
    expect(of('{"a":["say \\"Agent\\" twice"]}')?.seen).toBe(0);
    expect(of('{"usage":1}')).toMatchObject({ seen: markers.bits(['usage']), nested: 0 });
    // An escape JSON.parse rejects in a short string: only the parse may decide that line.
    expect(of('{"a":["\\q"]}')).toBeNull();
    // An escaped key could be any envelope field: the parse reads the line.
    expect(of('{"t\\u0079pe":"user"}')).toBeNull();
  });
});
