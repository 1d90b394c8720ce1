import { SqlSemanticError } from './sql.errors';
import { checkWindowDuration, floorDiv, gapfillRange, parseWindowDuration } from './time.window';

const MS = 1_000_000n;

describe('parseWindowDuration', () => {
  it('reads CnosDB duration strings in whole milliseconds', () => {
    expect(parseWindowDuration('10ms')).toBe(10n * MS);
    expect(parseWindowDuration('0.1s')).toBe(100n * MS);
    expect(parseWindowDuration('0.1m')).toBe(6_000n * MS);
    expect(parseWindowDuration('3d')).toBe(3n * 86_400_000n * MS);
  });

  it('rejects fractions of a millisecond and unknown units', () => {
    for (const text of ['0.001ms', '2.1ms', '0.000001s', '10', '5w']) {
      expect(() => parseWindowDuration(text)).toThrow(SqlSemanticError);
    }
  });
});

describe('checkWindowDuration', () => {
  it('accepts (0s, 365d] and names the seconds otherwise', () => {
    expect(checkWindowDuration(365n * 86_400_000n * MS)).toBe(365n * 86_400_000n * MS);
    expect(() => checkWindowDuration(0n)).toThrow('Invalid TimeWindow parameter : Max duration is (0s, 365d], but found 0s');
    expect(() => checkWindowDuration(366n * 86_400_000n * MS)).toThrow('but found 31622400s');
  });
});

describe('gapfillRange', () => {
  it('starts at the earliest window containing the lower bound and ends at the last start within the upper one', () => {
    // tumbling 10 over [0, 55]
    expect(gapfillRange(0n, 55n, 10n, 10n, 0n)).toEqual({ first: 0n, last: 50n });
    // sliding 10/5 over [0, 55] and [20, 55]
    expect(gapfillRange(0n, 55n, 10n, 5n, 0n)).toEqual({ first: -5n, last: 55n });
    expect(gapfillRange(20n, 55n, 10n, 5n, 0n)).toEqual({ first: 15n, last: 55n });
    // window 5, slide 10, origin 2: starts …, -8, 2, 12, …
    expect(gapfillRange(0n, 55n, 5n, 10n, 2n)).toEqual({ first: 2n, last: 52n });
  });

  it('floorDiv rounds towards minus infinity', () => {
    expect(floorDiv(-1n, 10n)).toBe(-1n);
    expect(floorDiv(-10n, 10n)).toBe(-1n);
    expect(floorDiv(9n, 10n)).toBe(0n);
  });
});
