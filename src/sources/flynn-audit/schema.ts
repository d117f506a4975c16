import { z } from 'zod';

/**
 * Gateway audit events (../shared/docs/sources.md §5): `{timestamp, level, event_type, event}`.
 * Only the event types afterburn reads are checked; others are counted as ignored.
 */
const Text = z.string().min(1);
const OptionalText = z.string().nullable().optional();

export const AuditEnvelope = z.object({
  timestamp: z.int().nonnegative(),
  level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  event_type: Text,
  event: z.looseObject({}),
});

const Common = { session_id: OptionalText, channel: OptionalText, sender: OptionalText };

export const RUN_STATES = ['start', 'complete', 'cancel_requested', 'cancelled', 'error'] as const;
export const RunState = z
  .looseObject({ ...Common, state: z.enum(RUN_STATES).optional(), status: z.enum(RUN_STATES).optional() })
  .refine((e) => e.state !== undefined || e.status !== undefined, { message: 'no state or status' });

export const RunCancel = z.looseObject({
  ...Common,
  source: OptionalText,
  requested: z.unknown().optional(),
  acknowledged: z.unknown().optional(),
  latency_ms: z.number().nonnegative().finite().nullable().optional(),
});

export const ReactionMatch = z.looseObject({
  ...Common,
  rule_name: OptionalText,
  filter_summary: z.unknown().optional(),
});

export const ReactionSkip = z.looseObject({
  ...Common,
  reason: OptionalText,
  category: OptionalText,
  candidate_count: z.int().nonnegative().nullable().optional(),
});
