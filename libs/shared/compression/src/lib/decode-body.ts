import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { CnosError, Errors } from '@cnosdb/shared/errors';
import { createDecoder } from './compression';
import { isSupportedEncoding } from './encodings';

/**
 * A request body's chunks decoded from its content coding as they arrive, holding no more
 * than the decoder's own blocks. A failure of `source` itself (a size limit, a cancelled
 * upload) passes through unchanged; a body that does not decode is 400 040013 and an
 * unknown coding 400 040005, as CnosDB answers.
 */
export async function* decodeBody(source: AsyncIterable<Buffer>, encoding: string): AsyncGenerator<Buffer> {
  if (!isSupportedEncoding(encoding)) throw Errors.unsupportedContentEncoding(encoding);
  if (encoding === 'identity') {
    yield* source;
    return;
  }
  let sourceFailure: { err: unknown } | undefined;
  const watched = (async function* () {
    try {
      yield* source;
    } catch (err) {
      sourceFailure = { err };
      throw err;
    }
  })();
  const decoder = createDecoder(encoding);
  // Failures on either side reach the loop below: pipeline destroys the decoder with them.
  pipeline(Readable.from(watched), decoder).catch(() => undefined);
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if (sourceFailure) throw sourceFailure.err;
    if (err instanceof CnosError) throw err;
    throw Errors.decodeRequest(err instanceof Error ? err.message : String(err));
  }
}
