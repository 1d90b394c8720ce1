import { Errors } from '@cnosdb/shared/errors';

export interface Credentials {
  user: string;
  password: string;
}

/**
 * Parses an Authorization header as CnosDB does: exactly "Basic " then base64 of
 * "user:password", split at the first colon. Anything else is 400 040006 naming the header.
 */
export function parseBasicAuth(header: string | undefined): Credentials {
  if (header === undefined) throw Errors.missingAuthorization();
  if (!header.startsWith('Basic ')) throw Errors.malformedBasicAuth(header);
  const encoded = header.slice(6);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) throw Errors.malformedBasicAuth(header);
  const bytes = Buffer.from(encoded, 'base64');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw Errors.malformedBasicAuth(header);
  }
  const colon = text.indexOf(':');
  if (colon < 0) throw Errors.malformedBasicAuth(header);
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
