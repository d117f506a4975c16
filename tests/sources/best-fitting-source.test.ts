import { describe, expect, it } from 'vitest';
import { bestFittingSource } from '../../src/sources/registry.js';
import { dispatchLine, finalizeLine } from '../helpers/records.js';
import { taskEvent, toLines } from '../helpers/task-completions.js';

describe('the source that lines skipped by another source fit', () => {
  it('names the source whose shape the skipped lines have', () => {
    const events = toLines(Array.from({ length: 5 }, (_, i) => taskEvent({ event_id: `e${i}` })));
    expect(bestFittingSource(events, 'dispatch-outcomes')).toEqual({
      source: 'task-completions',
      fits: 5,
      of: 5,
    });
    const dispatch = [dispatchLine(), finalizeLine()];
    expect(bestFittingSource(dispatch, 'task-completions')).toEqual({
      source: 'dispatch-outcomes',
      fits: 2,
      of: 2,
    });
    // Any JSON object is a line of some type to a Claude Code session: it is named only for transcript lines.
    expect(bestFittingSource(['{"a":1}', 'not json'], 'dispatch-outcomes')).toBeNull();
    const transcript = JSON.stringify({ type: 'assistant', sessionId: 's1', message: { content: [] } });
    expect(bestFittingSource([transcript], 'dispatch-outcomes')?.source).toBe('claude-code');
    const workrail = JSON.stringify({ eventId: 'e', eventIndex: 0, sessionId: 's', kind: 'session_created' });
    expect(bestFittingSource([workrail], 'dispatch-outcomes')?.source).toBe('workrail');
  });
});
