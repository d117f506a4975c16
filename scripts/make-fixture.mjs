#!/usr/bin/env node
// Writes fixtures/outcomes.jsonl: a small, realistic dispatch-outcomes log, deterministic (seeded),
// with enough tasks that the default health windows are full.
// Three arms with three different stories (coder gets cheaper, reviewer stays flat, planner has too
// few tasks to judge), retries, denies, an unmatched dispatch and finalize, a duplicate finalize,
// a finalize written before its dispatch, an older producer's finalize without attempt_id,
// repeated registry suggestions in different key orders, unknown extra fields and a torn line.
import { writeFileSync } from 'node:fs';

let seed = 20261123;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const noise = (size) => Math.round((random() * 2 - 1) * size);

const DAY = 86_400_000;
const START = Date.UTC(2026, 8, 1, 9, 0, 0);
const lines = [];
let counter = 0;
const fingerprint = () =>
  `fp_${(++counter).toString(16).padStart(6, '0')}${Math.floor(random() * 0xffff).toString(16)}`;

function dispatch(at, agent, fp, attempt, extra = {}) {
  return {
    kind: 'dispatch',
    ts_dispatched: at,
    agent,
    attempt_id: attempt,
    prompt_fingerprint: fp,
    prompt_chars: 800 + Math.floor(random() * 2400),
    prompt_files_named: 1 + Math.floor(random() * 3),
    prompt_input_token_estimate: 1500 + Math.floor(random() * 3000),
    has_design_verb: false,
    has_acceptance_verb: true,
    atomic_hook_outcome: 'allow',
    block_reasons: [],
    rationalization_match: null,
    gate_version: '2.4.1',
    ...extra,
  };
}

function finalize(at, agent, fp, attempt, input, extra = {}) {
  const cacheRead = Math.round(input * (0.2 + random() * 0.5));
  const output = 400 + Math.floor(random() * 900);
  return {
    kind: 'finalize',
    ts_completed: at,
    agent,
    agent_id: `${agent}-${1 + Math.floor(random() * 3)}`,
    prompt_fingerprint: fp,
    attempt_id: attempt,
    status: 'completed',
    ms_elapsed: 40_000 + Math.floor(random() * 200_000),
    total_tokens: input + output + cacheRead,
    input_tokens: input,
    output_tokens: output,
    cache_read_tokens: cacheRead,
    cache_creation_tokens: Math.round(input * 0.05),
    acceptance_passed: true,
    suggested_registry_edit: null,
    error: null,
    ...extra,
  };
}

function task(day, agent, input, extra = {}) {
  const at = START + day * DAY + Math.floor(random() * 8) * 3_600_000;
  const fp = fingerprint();
  const attempt = `att_${counter}_1`;
  lines.push(dispatch(at, agent, fp, attempt));
  lines.push(finalize(at + 30 * 60_000 + noise(600_000), agent, fp, attempt, input, extra));
  return { at, fp, attempt };
}

/** A task whose first attempt fails its acceptance command and whose second completes. */
function retriedTask(day, agent, input) {
  const at = START + day * DAY + Math.floor(random() * 8) * 3_600_000;
  const fp = fingerprint();
  lines.push(dispatch(at, agent, fp, `att_${counter}_1`));
  lines.push(
    finalize(at + 25 * 60_000, agent, fp, `att_${counter}_1`, Math.round(input * 1.1), {
      status: 'failed',
      acceptance_passed: false,
      error: 'acceptance command exited 1',
    }),
  );
  lines.push(dispatch(at + 45 * 60_000, agent, fp, `att_${counter}_2`));
  lines.push(finalize(at + 90 * 60_000, agent, fp, `att_${counter}_2`, input));
}

// Enough tasks (100+) and dispatches that every health window (50 tasks, 100 dispatches) is full,
// so the quick start shows real rates. Retries are rare early and more frequent in the last ten
// days: first-pass success rises above its 0.85 up level and then sags below it again.
const retried = (day, i) => (day >= 22 ? i % 3 === 0 : i % 13 === 6);
// coder: 54 tasks over 30 days, input tokens falling from ~9k to ~4k.
for (let i = 0; i < 54; i += 1) {
  const day = Math.floor(i * 0.56);
  const input = Math.round(9000 - i * 98 + noise(500));
  if (retried(day, i)) retriedTask(day, 'coder', input);
  else task(day, 'coder', input);
}
// reviewer: 40 tasks, flat around 3k.
for (let i = 0; i < 40; i += 1) {
  const day = Math.floor(i * 0.75);
  const input = Math.round(3000 + noise(450));
  if (retried(day, i + 1)) retriedTask(day, 'reviewer', input);
  else task(day, 'reviewer', input);
}
// planner: 4 tasks only.
for (let i = 0; i < 4; i += 1) task(i * 7 + 3, 'planner', Math.round(6000 + noise(800)));

// A retry: the first attempt fails, the second completes (newer producer: attempt ids on both).
{
  const fp = fingerprint();
  const at = START + 10 * DAY;
  lines.push(dispatch(at, 'coder', fp, 'att_retry_1'));
  lines.push(
    finalize(at + 20 * 60_000, 'coder', fp, 'att_retry_1', 7200, {
      status: 'failed',
      acceptance_passed: false,
      error: 'acceptance command exited 1',
    }),
  );
  lines.push(dispatch(at + 40 * 60_000, 'coder', fp, 'att_retry_2'));
  lines.push(finalize(at + 80 * 60_000, 'coder', fp, 'att_retry_2', 6100));
}
// An older producer's retry: finalizes without attempt_id join the latest open attempt in time.
{
  const fp = fingerprint();
  const at = START + 14 * DAY;
  lines.push(dispatch(at, 'reviewer', fp, 'att_old_1'));
  const { attempt_id: _a, ...first } = finalize(at + 15 * 60_000, 'reviewer', fp, '', 3100, {
    status: 'failed',
    error: 'timeout',
  });
  lines.push(first);
  lines.push(dispatch(at + 30 * 60_000, 'reviewer', fp, 'att_old_2'));
  const { attempt_id: _b, ...second } = finalize(at + 60 * 60_000, 'reviewer', fp, '', 2900);
  lines.push(second);
}

// Denies: the gate refused these prompts.
const denies = [
  ['coder', ['prompt names more than 3 files'], 'while you are at it'],
  ['coder', ['prompt names more than 3 files', 'no closed-form acceptance command'], null],
  ['planner', ['design verb without acceptance command'], 'it is just a quick change'],
  ['coder', ['prompt names more than 3 files'], 'while you are at it'],
  ['reviewer', ['no closed-form acceptance command'], 'it is just a quick change'],
  ['planner', ['design verb without acceptance command'], 'while you are at it'],
  ['coder', ['prompt token estimate over budget'], null],
];
denies.forEach(([agent, reasons, rationalization], i) => {
  const fp = fingerprint();
  lines.push(
    dispatch(START + (i * 4 + 2) * DAY, agent, fp, `att_deny_${i}`, {
      atomic_hook_outcome: 'deny',
      block_reasons: reasons,
      rationalization_match: rationalization,
      has_acceptance_verb: !reasons.some((r) => r.includes('acceptance')),
    }),
  );
});

// Registry suggestions: the same edit twice in different key orders, and one other.
const suggestion = {
  capability: 'run-migrations',
  action: 'add',
  arm: 'coder',
  reason: 'tasks keep needing db access',
};
task(20, 'coder', 5400, { suggested_registry_edit: suggestion });
task(26, 'coder', 4900, {
  suggested_registry_edit: {
    reason: 'tasks keep needing  db access',
    arm: 'coder',
    action: 'add',
    capability: 'run-migrations',
  },
});
task(22, 'reviewer', 3050, {
  suggested_registry_edit: { action: 'remove', capability: 'deploy', arm: 'reviewer' },
});

// Still running: an allowed dispatch with no finalize yet.
lines.push(dispatch(START + 31 * DAY, 'coder', fingerprint(), 'att_running'));
// A finalize whose dispatch is in an older, rotated log: unmatched.
lines.push(finalize(START + 2 * DAY, 'reviewer', 'fp_rotated_away', 'att_rotated', 3300));

// Lines arrive in completion order, roughly, as a real append-only log would have them.
const time = (r) => r.ts_dispatched ?? r.ts_completed;
lines.sort((a, b) => time(a) - time(b));
// A finalize that landed before its dispatch (merged logs).
const early = lines.findIndex((r) => r.kind === 'finalize' && r.agent === 'planner');
const [moved] = lines.splice(early, 1);
lines.unshift(moved);
// A duplicate finalize: the producer retried its write.
const duplicate = lines.find(
  (r) => r.kind === 'finalize' && r.agent === 'reviewer' && r.attempt_id?.startsWith('att_'),
);
lines.push({ ...duplicate });

const text = lines.map((r) => JSON.stringify(r));
// A torn write: the process died mid-line.
text.splice(Math.floor(text.length / 2), 0, '{"kind":"finalize","ts_completed":17891234,"agent":"cod');
text.splice(10, 0, '');
writeFileSync(new URL('../fixtures/outcomes.jsonl', import.meta.url), `${text.join('\n')}\n`);
console.log(`wrote ${text.length} lines`);
