import { describe, expect, it } from 'vitest';
import { type FindingDraftOf, FrictionData } from '../../../../src/findings/schema.js';
import { QualityGateFrictionData } from '../../../../src/findings/task-completions-data.js';
import {
  QUALITY_GATE,
  qualityGateHint,
} from '../../../../src/sources/task-completions/analyzers/quality-gates.js';
import { ofType } from '../../../helpers/findings.js';
import { analyzeEvents, generateEvents, taskEvent } from '../../../helpers/task-completions.js';

type GateFinding = FindingDraftOf<'friction'> & { data: QualityGateFrictionData };
const gates = (events: Record<string, unknown>[]) =>
  ofType(analyzeEvents(events), 'friction').filter((f): f is GateFinding => f.data.kind === QUALITY_GATE);

describe('quality-gate friction', () => {
  it('one friction finding per failing gate, ranked by failures, with per-harness and per-language counts', () => {
    const findings = gates([
      taskEvent({
        event_id: 'a',
        harness: 'codex',
        language: 'python',
        quality_gates_failed: ['test', 'lint'],
      }),
      taskEvent({ event_id: 'b', harness: 'codex', language: 'go', quality_gates_failed: ['Test'] }),
      taskEvent({
        event_id: 'c',
        harness: 'claude_code',
        language: null,
        quality_gates_failed: ['test', 'test'],
      }),
      taskEvent({ event_id: 'd', quality_gates_failed: [] }),
    ]);
    expect(findings.map((f) => [f.data.rank, f.data.value, f.frequency])).toEqual([
      [1, 'test', 3],
      [2, 'lint', 1],
    ]);
    const test = FrictionData.parse(findings[0]?.data);
    expect(test.kind).toBe(QUALITY_GATE);
    expect(test.arms).toEqual({ claude_code: 1, codex: 2 });
    expect(findings[0]?.data.languages).toEqual({ go: 1, python: 1 });
    // Every default event runs all five gates: 4 runs of test, 3 of them failed.
    expect(findings[0]?.data).toMatchObject({ runs: 4, failures: 3, failure_rate: 0.75 });
    expect(findings[0]?.theme).toBe('gate_friction:quality_gate');
    expect(findings[0]?.description).toContain('failed in 3 of 4 run(s) (75%)');
  });

  it('counts a failed gate as run even when the producer did not list it under quality_gates_run', () => {
    const findings = gates([
      taskEvent({ event_id: 'a', quality_gates_run: [], quality_gates_failed: ['security'] }),
      taskEvent({ event_id: 'b', quality_gates_run: ['security'], quality_gates_failed: [] }),
    ]);
    expect(findings[0]?.data).toMatchObject({ value: 'security', runs: 2, failures: 1 });
  });

  it('gives each of the five gates its own remediation hint and unknown gates a generic one', () => {
    const hints = ['build', 'lint', 'test', 'typecheck', 'security'].map(qualityGateHint);
    expect(new Set(hints).size).toBe(5);
    expect(qualityGateHint('lint')).toMatch(/autofix/);
    expect(qualityGateHint('typecheck')).toMatch(/type checker/);
    expect(qualityGateHint('license')).toMatch(/gate output/);
    expect(hints).not.toContain(qualityGateHint('license'));
  });

  it('matches the failures in the seeded log, gate by gate', () => {
    const events = generateEvents(5, 120);
    const findings = gates(events);
    const failedIn = (event: Record<string, unknown>): string[] =>
      (event.quality_gates_failed ?? event.qualityGatesFailed) as string[];
    for (const finding of findings) {
      const gate = finding.data.value as string;
      const failing = events.filter((e) => failedIn(e).includes(gate));
      expect(finding.frequency).toBe(failing.length);
      expect(finding.data.runs).toBe(120);
      expect(finding.data.arms).toEqual({
        claude_code: failing.filter((e) => e.harness === 'claude_code').length,
        codex: failing.filter((e) => e.harness === 'codex').length,
      });
    }
    for (const finding of findings) QualityGateFrictionData.parse(finding.data);
    const counts = findings.map((f) => f.frequency);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(findings.map((f) => f.data.rank)).toEqual(findings.map((_, i) => i + 1));
  });
});
