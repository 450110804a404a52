import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeHash, loadJudge, loadJudges, resolveJudges, type JudgeEntry, type LlmJudge } from '../../src/judge/judges.js';
import { JUDGES_DIR } from './fixtures.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'judges-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
  return dir;
}

const BASE = `model: m
baseUrl: http://localhost:8000/v1
apiKeyEnv: LOCAL_KEY
rounds: 1
maxTokens: 100
sees: none
`;

describe('judge presets', () => {
  const registry = loadJudges(JUDGES_DIR);

  it('loads every preset', () => {
    expect([...registry.keys()].sort()).toEqual(['gpt-4o', 'gpt-4o-six-metric', 'gpt-5-mini', 'o3-mini', 'offline', 'v2r-ensemble']);
  });

  it('gpt-5-mini is the EBM-RL judge: reasoning, default temperature, one round, sees frames', () => {
    const j = registry.get('gpt-5-mini') as LlmJudge;
    expect(j).toMatchObject({ kind: 'llm', model: 'gpt-5-mini', reasoning: true, rounds: 1, sees: 'frames' });
    expect(j.temperature).toBeUndefined();
  });

  it('Video2Roleplay judges: temperature 0, three rounds, ensemble of both', () => {
    for (const name of ['gpt-4o', 'o3-mini']) {
      expect(registry.get(name)).toMatchObject({ temperature: 0, rounds: 3 });
    }
    expect(resolveJudges(['v2r-ensemble'], registry).map((j) => j.name)).toEqual(['gpt-4o', 'o3-mini']);
  });

  it('offline preset is the offline judge', () => {
    expect(registry.get('offline')).toEqual({ name: 'offline', kind: 'offline', rounds: 1, sees: 'caption' });
  });
});

describe('resolveJudges', () => {
  const reg = new Map<string, JudgeEntry>([
    ['a', { name: 'a', kind: 'offline', rounds: 1, sees: 'caption' }],
    ['e1', { name: 'e1', kind: 'ensemble', ensemble: ['a', 'e2'] }],
    ['e2', { name: 'e2', kind: 'ensemble', ensemble: ['e1'] }],
    ['e3', { name: 'e3', kind: 'ensemble', ensemble: ['a', 'ghost'] }],
  ]);

  it('detects cycles and unknown members', () => {
    expect(() => resolveJudges(['e1'], reg)).toThrow(/cycle: e1 -> e2 -> e1/);
    expect(() => resolveJudges(['e3'], reg)).toThrow(/unknown judge "ghost" \(member of ensemble "e3"\)/);
  });

  it('uses a judge reached twice once', () => {
    const reg2 = new Map(reg);
    reg2.set('e4', { name: 'e4', kind: 'ensemble', ensemble: ['a', 'a'] });
    expect(resolveJudges(['a', 'e4'], reg2)).toHaveLength(1);
  });
});

describe('judge validation', () => {
  it('names the file and field on a typo', () => {
    const dir = dirWith({ 'x.yaml': `name: x\n${BASE}temprature: 0\n` });
    expect(() => loadJudge(dir, 'x')).toThrow(/x\.yaml: field "temprature": unknown field/);
  });

  it('names the field of a wrong type', () => {
    const dir = dirWith({ 'x.yaml': `name: x\n${BASE.replace('rounds: 1', 'rounds: three')}` });
    expect(() => loadJudge(dir, 'x')).toThrow(/x\.yaml: field "rounds"/);
  });

  it('requires the name to match the file', () => {
    const dir = dirWith({ 'x.yaml': `name: y\n${BASE}` });
    expect(() => loadJudge(dir, 'x')).toThrow(/field "name"/);
  });

  it('rejects an empty ensemble', () => {
    const dir = dirWith({ 'e.yaml': 'name: e\nensemble: []\n' });
    expect(() => loadJudge(dir, 'e')).toThrow(/e\.yaml: field "ensemble"/);
  });
});

describe('judgeHash', () => {
  const base: LlmJudge = {
    name: 'j',
    kind: 'llm',
    model: 'm',
    baseUrl: 'http://h/v1',
    apiKeyEnv: 'K',
    temperature: 0,
    rounds: 3,
    maxTokens: 10,
    reasoning: false,
    sees: 'caption',
    structuredOutput: false,
  };

  it('changes with behaviour-relevant settings', () => {
    const h = judgeHash(base);
    expect(judgeHash({ ...base, temperature: 1 })).not.toBe(h);
    expect(judgeHash({ ...base, model: 'm2' })).not.toBe(h);
    expect(judgeHash({ ...base, sees: 'frames' })).not.toBe(h);
  });

  it('ignores name, key variable, rounds, concurrency and a trailing slash', () => {
    const h = judgeHash(base);
    expect(judgeHash({ ...base, name: 'other', apiKeyEnv: 'OTHER', rounds: 1, concurrency: 8, baseUrl: 'http://h/v1/' })).toBe(h);
  });

  it('never contains the key value', () => {
    process.env.JUDGE_TEST_SECRET = 'sk-very-secret';
    const h = judgeHash({ ...base, apiKeyEnv: 'JUDGE_TEST_SECRET' });
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).toBe(judgeHash(base));
    delete process.env.JUDGE_TEST_SECRET;
  });
});
