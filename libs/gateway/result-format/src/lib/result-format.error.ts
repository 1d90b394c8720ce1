/**
 * A bad Accept or Accept-Encoding header: CnosDB answers 400 with error code 040005
 * (`HttpError::InvalidHeader`), and `message` is CnosDB's exact error_message.
 */
export class FormatNegotiationError extends Error {
  /** CnosDB's error_code for InvalidHeader. */
  readonly code = '040005';
  /** HTTP status CnosDB sends for it. */
  readonly httpStatus = 400;

  constructor(message: string) {
    super(message);
    this.name = 'FormatNegotiationError';
  }
}

/**
 * A cell that cannot be rendered (text that is not canonical for its column type, or a
 * timestamp outside chrono's range in CSV/TSV). CnosDB reports the arrow error as FetchResult
 * (422) when it happens before the first byte; mid-stream the caller decides.
 */
export class ResultRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultRenderError';
  }
}
