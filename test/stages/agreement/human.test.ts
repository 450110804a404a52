import { describe, expect, it } from 'vitest';
import { CsvError } from '../../../src/stages/agreement/csv.js';
import { parseHumanCsv } from '../../../src/stages/agreement/human.js';
import type { KnownNames } from '../../../src/pipeline/known-names.js';
import { InputError } from '../../../src/core/errors.js';

function error(text: string, known?: KnownNames): CsvError {
  try {
    parseHumanCsv(text, 'human.csv', known);
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

describe('parseHumanCsv against the run config', () => {
  const known: KnownNames = {
    metrics: new Map([
      ['character-consistency', { id: 'character-consistency', scale: { min: 0, max: 100 } }],
      ['cc', { id: 'character-consistency', scale: { min: 0, max: 100 } }],
      ['veg', { id: 'veg', scale: { min: 1, max: 5 } }],
    ]),
    metricIds: ['character-consistency', 'veg'],
    models: ['plain-m1', 'ebm-rl'],
  };
  const HEAD = 'sample_id,model,metric,score\n';

  it('accepts scores on the scale (ends included, fractions too) and maps abbreviations to rubric ids', () => {
    const h = parseHumanCsv(`${HEAD}s1,plain-m1,CC,100\ns2,ebm-rl,veg,1\ns3,ebm-rl,veg,4.5\n`, 'human.csv', known);
    expect(h.ratings.map((r) => [r.metric, r.score])).toEqual([
      ['character-consistency', 100],
      ['veg', 1],
      ['veg', 4.5],
    ]);
  });

  it('refuses a score off the rubric scale, naming file, line and field', () => {
    const e = error(`${HEAD}s1,plain-m1,character-consistency,90\ns2,plain-m1,character-consistency,1000\n`, known);
    expect(e.message).toBe('human.csv:3: field "score": expected a number from 0 to 100 (the character-consistency scale), got "1000"');
    expect(error(`${HEAD}s1,ebm-rl,veg,0\n`, known).field).toBe('score');
    expect(error(`${HEAD}s1,ebm-rl,veg,-40\n`, known).line).toBe(2);
  });

  it('refuses a metric or model the config does not have, and lists every problem at once', () => {
    expect(error(`${HEAD}s1,plain-m1,charcter-consistency,50\n`, known).message).toBe(
      'human.csv:2: field "metric": "charcter-consistency" is not a rubric of the config (rubrics: character-consistency, veg)',
    );
    expect(error(`${HEAD}s1,plain-M1,veg,3\n`, known).message).toBe(
      'human.csv:2: field "model": "plain-M1" is not a model of the config (models: plain-m1, ebm-rl)',
    );
    let message = '';
    try {
      parseHumanCsv(`${HEAD}s1,plain-m1,veg,3\ns2,plain-M1,veg,3\ns3,ebm-rl,vgg,3\ns4,ebm-rl,veg,9\ns5,ebm-rl,veg,high\n`, 'human.csv', known);
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      message = (err as Error).message;
    }
    expect(message.split('\n')).toEqual([
      '4 problems in human.csv; nothing was written:',
      '  - human.csv:3: field "model": "plain-M1" is not a model of the config (models: plain-m1, ebm-rl)',
      '  - human.csv:4: field "metric": "vgg" is not a rubric of the config (rubrics: character-consistency, veg)',
      '  - human.csv:5: field "score": expected a number from 1 to 5 (the veg scale), got "9"',
      '  - human.csv:6: field "score": expected a number, got "high"',
    ]);
  });
});
