import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { resolveGateSettings } from '../../../src/stages/gate/settings.js';
import { writeSampleConfig } from './offline-run.js';

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-gate-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(extra: Record<string, unknown>, name: string) {
  const l = loadConfig(writeSampleConfig(dir, extra, 'sample', name));
  return (flags: Record<string, unknown> = {}) => resolveGateSettings(l.config, l.baseDir, flags, '/work/cwd');
}

describe('resolveGateSettings', () => {
  it('takes the gate section, with flags on top', () => {
    const s = load({ gate: { candidate: 'ebm-rl', baseline: 'plain-vlm', margin: 0.5, nonInferiorityFloor: 0.4, junit: 'ci/gate.xml' } }, 'a.yaml');
    expect(s()).toEqual({
      candidate: 'ebm-rl',
      baseline: 'plain-vlm',
      margin: 0.5,
      alpha: 0.05,
      power: 0.8,
      nonInferiorityFloor: 0.4,
      nonInferiority: false,
      maxFailureShare: 0.05,
      junit: join(dir, 'ci/gate.xml'),
    });
    const f = s({ candidate: 'plain-vlm', baseline: 'ebm-rl', margin: 0, alpha: 0.01, junit: 'out.xml' });
    expect([f.candidate, f.baseline, f.margin, f.alpha, f.junit]).toEqual(['plain-vlm', 'ebm-rl', 0, 0.01, '/work/cwd/out.xml']);
  });

  it('without a gate section needs flags, and the pair can come from compare', () => {
    const s = load({}, 'b.yaml');
    expect(() => s()).toThrow(UsageError);
    // One flag is enough when compare names exactly one candidate and one baseline.
    expect(s({ margin: undefined, candidate: 'ebm-rl' })).toMatchObject({ candidate: 'ebm-rl', baseline: 'plain-vlm', margin: 0, junit: null });
  });

  it('rejects unknown models, a model against itself, and out-of-range numbers', () => {
    const s = load({ gate: {} }, 'c.yaml');
    expect(() => s({ candidate: 'gpt-9' })).toThrow(/unknown candidate model "gpt-9"/);
    expect(() => s({ candidate: 'ebm-rl', baseline: 'ebm-rl' })).toThrow(/both "ebm-rl"/);
    expect(() => s({ alpha: 1.5 })).toThrow(/--alpha/);
    expect(() => s({ margin: -1 })).toThrow(/--margin/);
  });
});
