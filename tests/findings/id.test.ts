import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findingId } from '../../src/findings/id.js';

describe('finding ids', () => {
  it('are one safe path segment whatever the source, type and signature', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        (source, type, signature) => {
          const id = findingId(source, type, signature);
          expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
          expect(id).not.toContain('..');
          expect(id.length).toBeLessThanOrEqual(255);
        },
      ),
      { seed: 1, numRuns: 200 },
    );
  });

  it('hostile types still give a readable, safe prefix', () => {
    expect(findingId('s', '../../etc/passwd', 'x')).toMatch(/^etc-passwd-[0-9a-f]{16}$/);
    expect(findingId('s', '\u0000/..', 'x')).toMatch(/^finding-[0-9a-f]{16}$/);
  });
});
