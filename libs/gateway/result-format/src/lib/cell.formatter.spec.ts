import { cellFormatterFor } from './cell.formatter';
import { ResultRenderError } from './result-format.error';

describe('time_window struct cells', () => {
  const cell = cellFormatterFor({ name: 'w', type: 'STRUCT(start TIMESTAMP(MILLISECOND), end TIMESTAMP(MILLISECOND))' });

  it('renders a nested object in JSON and arrow display text in tables', () => {
    expect(cell.json('946598399994,946598400004')).toBe('{"start":"1999-12-30T23:59:59.994","end":"1999-12-31T00:00:00.004"}');
    expect(cell.display('946598399994,946598400004')).toBe('{start: 1999-12-30T23:59:59.994, end: 1999-12-31T00:00:00.004}');
    expect(cell.json(null)).toBeUndefined();
  });

  it('has no CSV form, like arrow-csv for nested types', () => {
    expect(() => cell.csv('0,10')).toThrow(ResultRenderError);
  });
});
