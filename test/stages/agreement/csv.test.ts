import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from '../../../src/stages/agreement/csv.js';
import { UsageError } from '../../../src/core/errors.js';

const fields = (text: string) => parseCsv(text, 'f.csv').map((r) => r.fields);

function csvError(text: string): CsvError {
  try {
    parseCsv(text, 'f.csv');
  } catch (err) {
    expect(err).toBeInstanceOf(CsvError);
    return err as CsvError;
  }
  throw new Error('expected a CsvError');
}

describe('parseCsv', () => {
  it('splits plain fields and trims unquoted ones', () => {
    expect(fields('a,b,c\n 1 , 2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('reads quoted fields with commas, "" escapes and newlines, keeping their spaces', () => {
    const recs = parseCsv('id,note\n1,"Smith, J."\n2,"said ""hi"""\n3," two\nlines "\n4,x', 'f.csv');
    expect(recs.map((r) => r.fields)).toEqual([
      ['id', 'note'],
      ['1', 'Smith, J.'],
      ['2', 'said "hi"'],
      ['3', ' two\nlines '],
      ['4', 'x'],
    ]);
    // A record's line is where it starts; the embedded newline moves the next one down.
    expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
  });

  it('handles CRLF, a BOM, blank lines and empty fields', () => {
    expect(fields('\uFEFFa,b\r\n\r\n1,\r\n,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', ''],
      ['', '2'],
    ]);
    expect(parseCsv('a\n\n\nb', 'f.csv').map((r) => r.line)).toEqual([1, 4]);
  });

  it('names the line of a quote never closed', () => {
    const e = csvError('a,b\n1,2\n3,"open\nmore\n');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^f\.csv:3: .*never closed/);
    expect(e).toBeInstanceOf(UsageError);
  });

  it('rejects a stray quote and text after a closing quote', () => {
    expect(csvError('a,b\n1,ab"c\n').line).toBe(2);
    const after = csvError('a,b\n1,"ab"c\n');
    expect(after.line).toBe(2);
    expect(after.message).toMatch(/after a closing quote/);
  });
});
