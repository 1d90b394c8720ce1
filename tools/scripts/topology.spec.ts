import * as path from 'path';

// topology.js is plain JavaScript run by node directly (npm start, the e2e harness).
const { storageWriterNice } = require(path.join(__dirname, 'topology.js')) as { storageWriterNice(env: Record<string, string | undefined>): number };

describe('storage writer CPU priority (decision 0011)', () => {
  it('defaults to nice 10 when CNOSDB_STORAGE_WRITER_NICE is unset or empty', () => {
    expect(storageWriterNice({})).toBe(10);
    expect(storageWriterNice({ CNOSDB_STORAGE_WRITER_NICE: '' })).toBe(10);
  });

  it('takes 0 (normal priority) through 19', () => {
    expect(storageWriterNice({ CNOSDB_STORAGE_WRITER_NICE: '0' })).toBe(0);
    expect(storageWriterNice({ CNOSDB_STORAGE_WRITER_NICE: '19' })).toBe(19);
  });

  it.each(['20', '-5', 'low', '1.5'])('refuses %p, naming the variable', (raw) => {
    expect(() => storageWriterNice({ CNOSDB_STORAGE_WRITER_NICE: raw })).toThrow(`CNOSDB_STORAGE_WRITER_NICE must be a nice value from 0 to 19, got "${raw}"`);
  });
});
