import { negotiateResponseEncoding, type ResponseEncoding } from './encoding.negotiation';
import { FormatNegotiationError } from './result-format.error';

const SUPPORTED = 'only support: gzip, deflate, br, zstd, snappy, lz4, identity';

describe('negotiateResponseEncoding', () => {
  it('leaves the body unencoded without the header', () => {
    expect(negotiateResponseEncoding(undefined)).toBeUndefined();
  });

  it.each<[string, ResponseEncoding]>([
    ['gzip, deflate, br', 'gzip'],
    ['deflate, gzip', 'deflate'],
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['br', 'br'],
    ['zstd', 'zstd'],
    ['snappy', 'snappy'],
    ['lz4', 'lz4'],
    ['identity', 'identity'],
    ['  gzip  ', 'gzip'],
    ['compress, br', 'br'],
    ['gzip;q=0.5, deflate', 'deflate'],
    ['*, identity', 'identity'],
  ])('%p → %s', (header, encoding) => {
    expect(negotiateResponseEncoding(header)).toBe(encoding);
  });

  it.each<string>(['gzip;q=1.0', '*', 'GZIP', 'compress', '', 'gzip;q=1.0, br;q=0.5'])(
    '%p has no supported token',
    (header) => {
      let error: unknown;
      try {
        negotiateResponseEncoding(header);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FormatNegotiationError);
      expect((error as FormatNegotiationError).message).toBe(
        `Invalid header: accept encoding not support: ${header}, ${SUPPORTED}`,
      );
      expect((error as FormatNegotiationError).code).toBe('040005');
    },
  );
});
