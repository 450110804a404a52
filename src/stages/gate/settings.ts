// Gate settings: the config's `gate` section with command-line flags on top.
// Kept apart from the decision so decide() never sees argv or a config file.
import { isAbsolute, resolve } from 'node:path';
import { GateSchema, type GateConfig } from '../../config/schema.js';
import type { ResolvedConfig } from '../../config/load.js';
import { UsageError } from '../../core/errors.js';

export interface GateSettings {
  candidate: string;
  baseline: string;
  margin: number;
  alpha: number;
  power: number;
  nonInferiorityFloor: number | null;
  /** Require the mean difference's lower bound above −margin (off: only a shown regression fails). */
  nonInferiority?: boolean;
  maxFailureShare: number;
  /** Absolute path of the JUnit XML file to write, or null. */
  junit: string | null;
}

export interface GateFlags {
  candidate?: unknown;
  baseline?: unknown;
  margin?: unknown;
  alpha?: unknown;
  junit?: unknown;
}

function numberFlag(name: string, v: unknown, ok: (x: number) => boolean, expected: string): number | undefined {
  if (v === undefined) return undefined;
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(x) || !ok(x)) throw new UsageError(`--${name} expects ${expected}, got ${String(v)}`);
  return x;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * Merge config and flags. `cwd` resolves a --junit flag; the config's junit
 * path resolves against the config's folder like every other config path.
 */
export function resolveGateSettings(config: ResolvedConfig, baseDir: string, flags: GateFlags, cwd = process.cwd()): GateSettings {
  const candidateFlag = text(flags.candidate);
  const baselineFlag = text(flags.baseline);
  if (!config.gate && !candidateFlag && !baselineFlag) {
    throw new UsageError('gate: the config has no "gate" section; add one or pass --candidate and --baseline');
  }
  const g: GateConfig = config.gate ?? GateSchema.parse({});
  // A config comparing exactly one candidate with one baseline implies the pair.
  const only = (xs: string[]) => (xs.length === 1 ? xs[0] : undefined);
  const candidate = candidateFlag ?? g.candidate ?? only(config.compare.candidates);
  const baseline = baselineFlag ?? g.baseline ?? only(config.compare.baselines);
  if (!candidate || !baseline) {
    throw new UsageError(
      `gate: no ${candidate ? 'baseline' : 'candidate'} named: set gate.${candidate ? 'baseline' : 'candidate'} or pass --${candidate ? 'baseline' : 'candidate'}`,
    );
  }
  const names = config.models.map((m) => m.name);
  for (const [flag, n] of [
    ['candidate', candidate],
    ['baseline', baseline],
  ] as const) {
    if (!names.includes(n)) throw new UsageError(`gate: unknown ${flag} model "${n}" (config has ${names.join(', ')})`);
  }
  if (candidate === baseline) throw new UsageError(`gate: candidate and baseline are both "${candidate}"`);

  const margin = numberFlag('margin', flags.margin, (x) => x >= 0, 'a number >= 0') ?? g.margin;
  const alpha = numberFlag('alpha', flags.alpha, (x) => x > 0 && x < 1, 'a number between 0 and 1') ?? g.alpha;
  const junitFlag = text(flags.junit);
  const junit = junitFlag ? resolve(cwd, junitFlag) : g.junit ? (isAbsolute(g.junit) ? g.junit : resolve(baseDir, g.junit)) : null;
  return {
    candidate,
    baseline,
    margin,
    alpha,
    power: g.power,
    nonInferiorityFloor: g.nonInferiorityFloor ?? null,
    nonInferiority: g.nonInferiority,
    maxFailureShare: g.maxFailureShare,
    junit,
  };
}
