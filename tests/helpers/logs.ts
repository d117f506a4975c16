import { DAY, dispatchLine, finalizeLine, T0 } from './records.js';

/**
 * A larger realistic log for runs that must take a while (crash tests): several arms, retries,
 * denies with block reasons, and repeated registry suggestions.
 */
export function busyLog(tasks: number): string {
  const lines: string[] = [];
  const arms = ['coder', 'reviewer', 'planner'];
  for (let i = 0; i < tasks; i += 1) {
    const agent = arms[i % arms.length] as string;
    const ts = T0 + Math.floor((i * DAY) / 10);
    const fp = `fp-${i}`;
    if (i % 7 === 0) {
      lines.push(
        dispatchLine({
          ts_dispatched: ts,
          agent,
          attempt_id: `${fp}-deny`,
          prompt_fingerprint: fp,
          atomic_hook_outcome: 'deny',
          block_reasons: [`prompt names more than ${3 + (i % 4)} files`],
        }),
      );
    }
    lines.push(dispatchLine({ ts_dispatched: ts + 1, agent, attempt_id: `${fp}-a`, prompt_fingerprint: fp }));
    lines.push(
      finalizeLine({
        ts_completed: ts + 60_000,
        agent,
        attempt_id: `${fp}-a`,
        prompt_fingerprint: fp,
        input_tokens: 20_000 - i + ((i * 7919) % 3000),
        suggested_registry_edit: i % 11 === 0 ? { add_tool: `tool-${i % 5}` } : null,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
