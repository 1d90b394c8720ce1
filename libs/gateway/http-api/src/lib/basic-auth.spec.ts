import { CnosError } from '@cnosdb/shared/errors';
import { parseBasicAuth } from './basic-auth';

function errorOf(fn: () => unknown): CnosError {
  try {
    fn();
  } catch (err) {
    return err as CnosError;
  }
  throw new Error('expected an error');
}

describe('parseBasicAuth', () => {
  it('splits user and password at the first colon; an empty password is valid', () => {
    expect(parseBasicAuth('Basic cm9vdDo=')).toEqual({ user: 'root', password: '' });
    expect(parseBasicAuth('Basic ' + Buffer.from('u:p:q').toString('base64'))).toEqual({ user: 'u', password: 'p:q' });
  });

  it('a missing header is 400 000000', () => {
    const e = errorOf(() => parseBasicAuth(undefined));
    expect([e.status, e.toBody()]).toEqual([400, '{"error_code":"000000","error_message":"Missing request header \\"authorization\\""}']);
  });

  it.each(['Bearer abc', 'basic cm9vdDo=', 'Basic !!!', 'Basic ' + Buffer.from('nocolon').toString('base64')])('%s is 400 040006 naming the header', (h) => {
    const e = errorOf(() => parseBasicAuth(h));
    expect(e.status).toBe(400);
    expect(e.code).toBe('040006');
    expect(e.message).toBe(`Parse auth, malformed basic auth encoding: ${h}`);
  });
});
