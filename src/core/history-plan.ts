import type { InputFile } from '../input/inputs.js';
import { NO_INPUT } from '../sources/types.js';
import type { IncrementalState, InputPlan } from './incremental.js';

/** Whether an incremental run keeps a cursor for `input`: a pipe, like stdin, has no file to keep it in. */
export function keptInput(
  input: InputFile,
): input is InputFile & { readonly kind: 'file' | 'gzip'; readonly path: string } {
  return input.path !== null && input.kind !== 'stdin' && !input.pipe;
}

interface HistoryPlan {
  readonly saved: unknown;
  readonly inputOf: Uint32Array;
  readonly inputs: number;
}

/**
 * How the one history of the last run carries over: each earlier input that this run continues
 * or reuses keeps its records under its new place among the kept inputs; the records of the rest
 * (gone, or read again from the start) are dropped.
 */
export function historyPlan(
  inputs: readonly InputFile[],
  previous: IncrementalState | null,
  plans: readonly (InputPlan | null)[],
): HistoryPlan {
  const saved = previous?.history;
  const earlier = new Map(
    (saved === undefined ? [] : (previous?.inputs ?? [])).map((input, i) => [input, i]),
  );
  const inputOf = new Uint32Array(earlier.size).fill(NO_INPUT);
  let kept = 0;
  for (const [index, input] of inputs.entries()) {
    if (!keptInput(input)) continue;
    const was = plans[index]?.saved;
    const old = was == null ? undefined : earlier.get(was);
    if (old !== undefined) inputOf[old] = kept;
    kept += 1;
  }
  return { saved, inputOf, inputs: kept };
}
