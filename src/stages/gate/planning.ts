// Planning figures printed beside each verdict: the smallest effect a check
// could have detected at the gate's alpha and power. A PASS from a test that
// could only see huge effects is weak evidence, and CI logs should say so.
import { fmtScore, fmtShare } from '../../core/format.js';
import { pairedMdeT, signTestMde } from '../../stats/index.js';

export type Planning =
  | { kind: 'sign-test'; decisive: number /** smallest detectable decisive win rate (0–1), null if none */; winRate: number | null; text: string }
  | {
      kind: 'paired-mean';
      n: number;
      sd: number /** smallest detectable mean difference, rubric units; null = not estimable (sd 0 or n < 2) */;
      mde: number | null;
      text: string;
    };

const pct = (x: number) => `${fmtShare(x)}%`;
// Power is a setting (0.8), not a figure: print it as set, "80%".
const level = (x: number) => `${Number((100 * x).toFixed(1))}%`;

/**
 * Sign test on `decisive` comparisons. Uses the nominal alpha: Holm's
 * adjustment can only raise the bar, so this is the optimistic figure.
 */
export function signTestPlanning(decisive: number, alpha: number, power: number): Planning {
  const mde = decisive >= 1 ? signTestMde(decisive, alpha, power) : null;
  const text = mde
    ? `with ${decisive} decisive comparisons this test detects a decisive win rate of ≥ ${pct(mde.p1)} (power ${level(power)})`
    : `with ${decisive} decisive comparisons no outcome can reach p < ${alpha}: the sign test cannot detect anything`;
  return { kind: 'sign-test', decisive, winRate: mde?.p1 ?? null, text };
}

/**
 * Paired mean difference over n samples whose differences have sd `sd`:
 * Student t quantiles (the normal approximation understates it at small n).
 * With sd 0 or n < 2 there is nothing to scale by: "not estimable", never
 * "Δ ≥ 0.00 detectable".
 */
export function pairedPlanning(n: number, sd: number, alpha: number, power: number): Planning {
  const mde = pairedMdeT(sd, n, alpha, power);
  return {
    kind: 'paired-mean',
    n,
    sd,
    mde,
    text:
      mde === null
        ? `with ${n} paired samples (sd of differences ${fmtScore(sd)}) the detectable difference is not estimable`
        : `with ${n} paired samples (sd of differences ${fmtScore(sd)}) a mean difference of ≥ ${fmtScore(mde)} is detectable (α ${alpha}, power ${level(power)}, t-based)`,
  };
}
