import { describe, expect, it } from 'vitest';
import { CsvError } from '../../../src/stages/agreement/csv.js';
import { parseHumanCsv } from '../../../src/stages/agreement/human.js';

function error(text: string): CsvError {
  try {
    parseHumanCsv(text, 'human.csv');
  } catch (err) {
    expect(err).toBeInstanceOf(CsvError);
    return err as CsvError;
  }
  throw new Error('expected a CsvError');
}

describe('parseHumanCsv', () => {
  it('reads columns in any order, ignores extra ones and skips blank scores', () => {
    const h = parseHumanCsv('Score,rater,Metric,model,sample_id\n4,"Lee, A.",veg,m1,s1\n,bob,veg,m2,s1\n2.5,bob,spc,m1,s2\n', 'human.csv');
    expect(h.blank).toBe(1);
    expect(h.ratings).toEqual([
      { sampleId: 's1', model: 'm1', metric: 'veg', score: 4, line: 2 },
      { sampleId: 's2', model: 'm1', metric: 'spc', score: 2.5, line: 4 },
    ]);
  });

  it('names a missing or repeated header column', () => {
    const missing = error('sample_id,model,score\ns1,m,3\n');
    expect(missing.field).toBe('metric');
    expect(missing.line).toBe(1);
    expect(error('sample_id,model,metric,score,score\ns1,m,veg,3,3\n').message).toMatch(/"score": appears twice/);
    expect(error('').message).toMatch(/empty file/);
  });

  it('names file, line and field of a bad row', () => {
    const e = error('sample_id,model,metric,score\ns1,m,veg,3\ns2,m,veg,high\n');
    expect(e.message).toBe('human.csv:3: field "score": expected a number, got "high"');
    expect(error('sample_id,model,metric,score\ns1,,veg,3\n').field).toBe('model');
    const short = error('sample_id,model,metric,score\ns1,m,veg,3\n\ns2,m,4\n');
    expect(short.line).toBe(4);
    expect(short.message).toMatch(/expected 4 fields like the header, got 3/);
  });
});
