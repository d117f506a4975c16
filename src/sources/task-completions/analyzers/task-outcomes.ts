import { OUTCOME_RATES, outcomeRateFindings } from '../../../analyzers/outcome-rates.js';
import type { Analyzer } from '../../../analyzers/types.js';
import type { TaskCompletionEvent } from '../schema.js';

export const TASK_OUTCOMES = ['success', 'failure', 'partial', 'timeout'] as const;

export const taskOutcomeRates: Analyzer<{ readonly events: readonly TaskCompletionEvent[] }> = {
  meta: {
    id: 'task_outcome_rates',
    findingType: OUTCOME_RATES,
    description:
      'Success, failure, partial and timeout shares with n, by harness, model, task type and repo size',
    question: 'Which harness, model, task type and repo size deliver successful tasks?',
  },
  analyze(dataset, context) {
    const units = dataset.events.map((event) => ({
      outcome: event.outcome,
      at: event.timestamp,
      dimensions: {
        harness: event.harness,
        model: event.model ?? null,
        task_type: event.task_type ?? null,
        repo_size: event.repo_size_category ?? null,
      },
    }));
    return outcomeRateFindings(
      units,
      {
        dimensions: ['harness', 'model', 'task_type', 'repo_size'],
        success: 'success',
        knownOutcomes: TASK_OUTCOMES,
        unit: 'task',
        theme: 'outcomes',
      },
      context,
    );
  },
};
