import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../src/core/gate.js';
import type { Finding, RunReport } from '../../src/findings/schema.js';
import {
  annotationCommands,
  annotationsFor,
  escapeData,
  escapeProperty,
  MAX_ANNOTATIONS,
  stepSummary,
} from '../../src/render/github.js';

/** What the runner does to a value: the inverse of the escaping. */
function decodeWorkflowValue(text: string): string {
  return text.replace(/%(0D|0A|3A|2C|25)/g, (_, code: string) =>
    String.fromCharCode(Number.parseInt(code, 16)),
  );
}

function finding(fields: Partial<Finding>): Finding {
  return {
    id: 'x',
    type: 'efficiency_trend',
    source: 'dispatch-outcomes',
    description: 'd',
    confidence: 0.5,
    frequency: 1,
    sessions: [],
    evidence: '',
    verification: null,
    theme: 'efficiency',
    project_slug: null,
    created_at: '2026-01-01T00:00:00.000Z',
    status: 'candidate',
    occurrences: 1,
    first_seen: null,
    last_seen: null,
    scope: { arm: null },
    data: {},
    ...fields,
  };
}

function report(findings: Finding[]): RunReport {
  const zero = { lines: 0, blank: 0, skipped: 0, dispatch: 0, finalize: 0, joined: 0, denied: 0 };
  return {
    schema_version: 1,
    source: 'dispatch-outcomes',
    inputs: [],
    counts: { ...zero, unmatched_dispatch: 0, unmatched_finalize: 0, duplicates: 0 },
    verdict: null,
    findings,
  };
}

describe('GitHub workflow commands', () => {
  it('escapes %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('arm: a, b%\n')).toBe('arm%3A a%2C b%25%0A');
    fc.assert(
      fc.property(fc.string(), (text) => {
        const data = escapeData(text);
        const property = escapeProperty(text);
        expect(data).not.toMatch(/[\r\n]/);
        expect(property).not.toMatch(/[\r\n:,]/);
        expect(decodeWorkflowValue(data)).toBe(text);
        expect(decodeWorkflowValue(property)).toBe(text);
      }),
    );
  });

  it('annotates what fails the gate as errors, other FAIL verdicts and upward crossings as warnings, errors first', () => {
    const crossing = finding({
      type: 'threshold_crossed',
      description: 'rate rose',
      data: { metric: 'deny_rate', direction: 'up', value: 0.4, at: '2026-01-01T00:00:00.000Z', index: 3 },
    });
    const fall = finding({ description: 'flat: not down', verdict: 'fail', scope: { arm: 'a:b,c' } });
    const run = report([
      crossing,
      finding({ verdict: 'pass' }),
      fall,
      { ...crossing, data: { ...crossing.data, direction: 'down' } },
    ]);
    const rule = { failOn: 'fail', gateArms: true } as const;
    const annotations = annotationsFor(run, { rule, outcome: evaluateGate(run, rule, null) });
    expect(annotations.map((a) => a.level)).toEqual(['error', 'warning']);
    const { lines } = annotationCommands(annotations);
    expect(lines[0]).toBe('::error title=afterburn efficiency_trend FAIL%3A a%3Ab%2Cc::flat: not down');
    expect(lines[1]).toMatch(
      /^::warning title=afterburn threshold_crossed%3A deny_rate crossed its threshold::rate rose$/,
    );
    // The arm's FAIL does not fail a gate on the global verdict only, nor a run without a gate.
    const globalOnly = { failOn: 'fail', gateArms: false } as const;
    const passed = annotationsFor(run, { rule: globalOnly, outcome: evaluateGate(run, globalOnly, null) });
    expect(passed.map((a) => [a.level, a.message])).toEqual([
      ['warning', 'rate rose'],
      ['warning', 'flat: not down'],
    ]);
    expect(annotationsFor(run).map((a) => a.level)).toEqual(['warning', 'warning']);
  });

  it('a gate failed on nothing analysed is one error annotation saying why', () => {
    const empty = report([]);
    const rule = { failOn: 'fail', gateArms: false } as const;
    const outcome = evaluateGate(empty, rule, 'no joined tasks (0 lines read, 0 skipped)');
    expect(annotationsFor(empty, { rule, outcome })).toEqual([
      {
        level: 'error',
        title: 'afterburn gate failed',
        message: 'no joined tasks (0 lines read, 0 skipped) (--fail-on fail): a gate never passes on nothing',
      },
    ]);
  });

  it(`prints at most ${MAX_ANNOTATIONS} annotations and counts the rest`, () => {
    const many = Array.from({ length: 25 }, (_, i) => ({
      level: 'error' as const,
      title: `t${i}`,
      message: `m${i}`,
    }));
    const { lines, omitted } = annotationCommands(many);
    expect(lines).toHaveLength(MAX_ANNOTATIONS);
    expect(omitted).toBe(25 - MAX_ANNOTATIONS);
  });

  it('keeps the step summary under the byte limit, cut at a line and marked', () => {
    const friction = Array.from({ length: 400 }, (_, i) =>
      finding({
        id: `f${i}`,
        type: 'friction',
        frequency: 400 - i,
        data: {
          kind: 'block_reason',
          value: `reason ${i} ${'é'.repeat(50)}`,
          rank: i + 1,
          remediation: 'fix',
        },
      }),
    );
    const full = stepSummary(report(friction));
    expect(full).not.toContain('truncated');
    const limit = Math.floor(Buffer.byteLength(full) / 3);
    const cut = stepSummary(report(friction), limit);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(limit);
    expect(cut).toContain('Summary truncated');
    expect(full.startsWith(cut.slice(0, cut.indexOf('\n\n_Summary truncated')))).toBe(true);
  });
});
