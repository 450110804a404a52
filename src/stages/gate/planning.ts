// Planning figures printed beside each verdict: the smallest effect a check
// could have detected at the gate's alpha and power. A PASS from a test that
// could only see huge effects is weak evidence, and CI logs should say so.
import { fmtScore, fmtShare, fmtSigned } from '../../core/format.js';
import { signTestMde, studentTQuantile } from '../../stats/index.js';

export type Planning =
  | {
      kind: 'sign-test';
      decisive: number;
      /** Smallest decisive win rate (0–1) the test detects; null if none. */
      winRate: number | null;
      /** The level the figure was worked out at (Holm's first step, α/m). */
      alpha: number;
      text: string;
    }
  | {
      kind: 'paired-mean';
      n: number;
      /** Independent units (clusters; n when every sample is its own). */
      clusters: number;
      /** The standard error of the gate's interval (cluster-robust), and its degrees of freedom. */
      se: number | null;
      df: number | null;
      /**
       * Regression rule: the smallest true drop the check catches with the
       * power asked for. Non-inferiority: the smallest true difference at which
       * it is shown. Rubric units; null = not estimable.
       */
      mde: number | null;
      rule: 'regression' | 'non-inferiority';
      text: string;
    };

const pct = (x: number) => `${fmtShare(x)}%`;
// Power is a setting (0.8), not a figure: print it as set, "80%".
const level = (x: number) => `${Number((100 * x).toFixed(1))}%`;
const alphaText = (a: number) => String(Number(a.toPrecision(3)));

/**
 * Sign test on `decisive` comparisons (decisive clusters, when the gate reads
 * the cluster-level test), at α/m: Holm's first step over the m rows of the
 * judge's family, the bar a row must clear whatever the other rows show. The
 * nominal α would promise rates a Holm-adjusted test does not reach.
 */
export function signTestPlanning(decisive: number, alpha: number, power: number, family = 1, unit = 'decisive comparisons'): Planning {
  const a = alpha / Math.max(1, family);
  const mde = decisive >= 1 ? signTestMde(decisive, a, power) : null;
  const at = family > 1 ? `α ${alphaText(a)} = ${alpha}/${family}, Holm's first step` : `α ${alpha}`;
  const text = mde
    ? `with ${decisive} ${unit} this test detects a decisive win rate of ≥ ${pct(mde.p1)} (${at}, power ${level(power)})`
    : `with ${decisive} ${unit} no outcome can reach p < ${alphaText(a)}: the sign test cannot detect anything`;
  return { kind: 'sign-test', decisive, winRate: mde?.p1 ?? null, alpha: a, text };
}

/** What the planning of a mean check is worked out from: the gate's own interval. */
export interface MeanBasis {
  items: number;
  clusters: number;
  /** Two-sided level of the interval (1 − α/k). */
  level: number;
  se: number;
  df: number;
  method: string;
}

/**
 * The mean check's power, from the interval the gate really applies — its
 * level 1 − α/k, its cluster-robust standard error and its clusters − 1
 * degrees of freedom: the regression rule (upper bound < −margin) catches a
 * true drop Δ with the power asked for when Δ ≥ margin + (t_{(1+level)/2} +
 * t_{power})·se; non-inferiority (lower bound > −margin) is shown when the
 * true difference is ≥ −margin + (t_{(1+level)/2} + t_{power})·se. Student t
 * quantiles (the normal ones understate it at few clusters). With se 0, or no
 * interval (fewer than two clusters), there is nothing to scale by: "not
 * estimable", never "Δ ≥ 0.00 detectable".
 */
export function meanPlanning(basis: MeanBasis | null, items: number, power: number, margin: number, nonInferiority: boolean): Planning {
  const rule = nonInferiority ? ('non-inferiority' as const) : ('regression' as const);
  const samples = `${items} paired samples`;
  if (!basis || !(basis.se > 0)) {
    const why = basis ? 'the differences do not vary' : 'fewer than two clusters';
    return {
      kind: 'paired-mean',
      n: items,
      clusters: basis?.clusters ?? 0,
      se: basis?.se ?? null,
      df: basis?.df ?? null,
      mde: null,
      rule,
      text: `with ${samples} the detectable difference is not estimable (${why})`,
    };
  }
  const k = studentTQuantile((1 + basis.level) / 2, basis.df) + studentTQuantile(power, basis.df);
  const mde = nonInferiority ? -margin + k * basis.se : margin + k * basis.se;
  const over = basis.clusters === basis.items ? samples : `${samples} in ${basis.clusters} clusters`;
  const how = `${basis.method}, se ${fmtScore(basis.se)}, ${basis.df} df, ${level(basis.level)} interval, power ${level(power)}`;
  return {
    kind: 'paired-mean',
    n: basis.items,
    clusters: basis.clusters,
    se: basis.se,
    df: basis.df,
    mde,
    rule,
    text: nonInferiority
      ? `with ${over} non-inferiority is shown when the true difference is ≥ ${fmtSigned(mde, 2)} (${how})`
      : `with ${over} a true drop of ≥ ${fmtScore(mde)} fails this check (margin ${margin}; ${how})`,
  };
}
