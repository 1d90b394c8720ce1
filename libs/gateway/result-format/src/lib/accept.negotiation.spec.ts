import { contentTypeOf, negotiateFormat, type ResultFormat } from './accept.negotiation';
import { FormatNegotiationError } from './result-format.error';

describe('negotiateFormat', () => {
  it.each<[string | undefined, ResultFormat]>([
    [undefined, 'csv'],
    ['', 'csv'],
    ['application/*', 'csv'],
    ['*/*', 'csv'],
    ['application/csv', 'csv'],
    ['text/csv', 'csv'],
    ['application/tsv', 'tsv'],
    ['text/tsv', 'tsv'],
    ['application/json', 'json'],
    ['text/json', 'json'],
    ['application/nd-json', 'nd-json'],
    ['text/nd-json', 'nd-json'],
    ['application/table', 'table'],
    ['text/table', 'table'],
    ['application/JSON', 'json'],
    ['text/Nd-Json', 'nd-json'],
  ])('%p → %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });

  it.each<[string, string]>([
    ['*', 'Invalid header: Invalid header: accept type not support: *'],
    ['xx', 'Invalid header: Invalid header: accept type not support: xx'],
    ['Application/json', 'Invalid header: Invalid header: accept type not support: Application/json'],
    ['TEXT/csv', 'Invalid header: Invalid header: accept type not support: TEXT/csv'],
    ['image/png', 'Invalid header: Invalid header: accept type not support: image/png'],
    ['application/ndjson', 'Invalid header: Invalid header: invalid variant: ndjson'],
    ['text/plain', 'Invalid header: Invalid header: invalid variant: plain'],
    ['text/*', 'Invalid header: Invalid header: invalid variant: *'],
    ['application/', 'Invalid header: Invalid header: invalid variant: '],
    [
      'application/json; charset=utf-8',
      'Invalid header: Invalid header: invalid variant: json; charset=utf-8',
    ],
    [
      'application/json, text/plain',
      'Invalid header: Invalid header: invalid variant: json, text/plain',
    ],
    [
      'text/csv,application/json;q=0.9',
      'Invalid header: Invalid header: invalid variant: csv,application/json;q=0.9',
    ],
    // Only ASCII letters fold: U+212A KELVIN SIGN is not "k".
    ['text/tabl\u212a', 'Invalid header: Invalid header: invalid variant: tabl\u212a'],
  ])('%p is rejected with CnosDB text', (accept, message) => {
    let error: unknown;
    try {
      negotiateFormat(accept);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatNegotiationError);
    expect((error as FormatNegotiationError).message).toBe(message);
    expect((error as FormatNegotiationError).code).toBe('040005');
    expect((error as FormatNegotiationError).httpStatus).toBe(400);
  });
});

describe('contentTypeOf', () => {
  it.each<[ResultFormat, string]>([
    ['csv', 'text/csv'],
    ['tsv', 'text/tsv'],
    ['json', 'application/json'],
    ['nd-json', 'application/nd-json'],
    ['table', 'text/table'],
  ])('%s → %s', (format, type) => {
    expect(contentTypeOf(format)).toBe(type);
  });
});
