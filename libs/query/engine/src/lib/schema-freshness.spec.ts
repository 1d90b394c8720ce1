import { SchemaFreshness } from './schema-freshness';

describe('SchemaFreshness', () => {
  let marks = 0;
  const schemas = { mark: () => ++marks };

  beforeEach(() => (marks = 0));

  it('keeps one bound while the barrier position stays the same', () => {
    const freshness = new SchemaFreshness(schemas, 5000);
    expect(freshness.boundFor('0:10')).toEqual({ after: 1, maxAgeMs: 5000 });
    marks = 7; // schema reads happened meanwhile
    expect(freshness.boundFor('0:10')).toEqual({ after: 1, maxAgeMs: 5000 });
  });

  it('moves the bound past every earlier read when the position moves (a write was acknowledged)', () => {
    const freshness = new SchemaFreshness(schemas, 5000);
    freshness.boundFor('0:10');
    marks = 7;
    expect(freshness.boundFor('0:11')).toEqual({ after: 8, maxAgeMs: 5000 });
    // Going back to an older position (a slower concurrent barrier) is a move as well.
    expect(freshness.boundFor('0:10')).toEqual({ after: 9, maxAgeMs: 5000 });
  });

  it('reads fresh when the barrier gave no position (its wait ran out)', () => {
    expect(new SchemaFreshness(schemas, 5000).boundFor(undefined)).toBe(true);
  });
});
