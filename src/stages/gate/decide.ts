// The gate's decision: a Report (plus run evidence) and settings in, a verdict
// out. Pure, so every rule can be tested on hand-built Reports.
//   fitness  — judge-caused failures within maxFailureShare, data for both models
//   mean     — regression only when the interval of candidate − baseline lies
//              wholly below −margin (mean-rule.ts has the rule and its levels)
//   pairwise — no significant loss (Holm p < alpha with negative net win rate)
//   non-inferiority (optional) — Wilson lower bound of the decisive win rate above the floor
import { fmtP, fmtScore, fmtShare, fmtSigned } from '../../core/format.js';
import type { PairwiseRow, Report } from '../../core/report.js';
import { describeBudgetStop } from '../../pipeline/run-status.js';
import type { GateEvidence } from './evidence.js';
import { gateFamily, type GatePValues } from './pairwise-family.js';
import { meanPlanning, signTestPlanning, type Planning } from './planning.js';
import type { GateSettings } from './settings.js';
import { applyMeanRule, meanInterval, meanLevel, type MeanInterval } from './mean-rule.js';
import { pairwiseUnsupported, sequentialMean, sequentialPairwise } from './sequential.js';

export type CheckKind = 'fitness' | 'mean' | 'pairwise' | 'non-inferiority';

export interface GateCheck {
  kind: CheckKind;
  /** Unique within a verdict; the JUnit testcase name. */
  name: string;
  metric: string | null;
  /** The metric's abbreviation as tables show it. */
  metricLabel: string | null;
  judge: string | null;
  value: number | null;
  threshold: number;
  valueText: string;
  thresholdText: string;
  pass: boolean;
  /** Why it failed, in a sentence (also for passes: what was compared). */
  detail: string;
  planning: Planning | null;
  /** Mean checks: the interval of candidate − baseline the rule was applied to. */
  interval?: MeanInterval | null;
}

export type GateStatus = 'pass' | 'regression' | 'unfit';

export interface GateVerdict {
  status: GateStatus;
  /** 0 pass · 1 regression · 3 run unfit to judge */
  exitCode: 0 | 1 | 3;
  candidate: string;
  baseline: string;
  settings: GateSettings;
  checks: GateCheck[];
}

/** A pairwise row seen from the candidate's side, whichever way it was compared. */
interface Oriented {
  row: PairwiseRow;
  net: number;
  ci: [number, number] | null;
  /** The candidate's decisive win rate (0–1). */
  decisive: number | null;
}

function orientedRows(report: Report, cand: string, base: string): Oriented[] {
  const out: Oriented[] = [];
  for (const row of report.pairwise) {
    if (row.candidate === cand && row.baseline === base) out.push({ row, net: row.net, ci: row.decisiveCi95, decisive: row.decisive });
    // Reversed rows mirror: the baseline's wins are the candidate's losses.
    else if (row.candidate === base && row.baseline === cand)
      out.push({
        row,
        net: -row.net,
        ci: row.decisiveCi95 ? [1 - row.decisiveCi95[1], 1 - row.decisiveCi95[0]] : null,
        decisive: row.decisive === null ? null : 1 - row.decisive,
      });
  }
  return out;
}

function fitnessChecks(report: Report, s: GateSettings, ev: GateEvidence | undefined, pairs: Oriented[]): GateCheck[] {
  const c = report.counts;
  const records = ev?.records ?? c.judgments + c.comparisons;
  // Without evidence the Report cannot split comparison failures by cause, so
  // all of them count against the judge: the cautious reading.
  const failures = ev?.judgeFailures ?? c.parseFailures + c.judgeErrors + c.comparisonFailures;
  const share = records ? failures / records : null;
  const checks: GateCheck[] = [
    {
      kind: 'fitness',
      name: 'judge failures',
      metric: null,
      metricLabel: null,
      judge: null,
      value: share,
      threshold: s.maxFailureShare,
      valueText: share === null ? 'no records' : `${fmtShare(share)}% (${failures}/${records})`,
      thresholdText: `≤ ${fmtShare(s.maxFailureShare)}%`,
      pass: share !== null && share <= s.maxFailureShare,
      detail:
        share === null
          ? 'the run holds no judgments or comparisons'
          : `${failures} of ${records} judgments and comparisons failed because of the judge (unparseable reply or error)`,
      planning: null,
    },
  ];
  // A budget stop (exit 5) leaves a run whose figures cover part of the
  // samples: a pass on three quarters of the split must not stand for the whole.
  const stops = report.incomplete?.budgetStops ?? [];
  if (stops.length) {
    checks.push({
      kind: 'fitness',
      name: 'complete run',
      metric: null,
      metricLabel: null,
      judge: null,
      value: stops.length,
      threshold: 0,
      valueText: `${stops.length} stage${stops.length === 1 ? '' : 's'} stopped at the budget`,
      thresholdText: '0',
      pass: false,
      detail: `the run is incomplete: ${stops.map(describeBudgetStop).join('; ')}; rerun to finish before gating`,
      planning: null,
    });
  }
  for (const [role, model] of [
    ['candidate', s.candidate],
    ['baseline', s.baseline],
  ] as const) {
    const scored = report.leaderboard.find((r) => r.model === model)?.n ?? 0;
    const compared = pairs.reduce((m, p) => Math.max(m, p.row.n), 0);
    const n = Math.max(scored, compared);
    checks.push({
      kind: 'fitness',
      name: `${role} data`,
      metric: null,
      metricLabel: null,
      judge: null,
      value: n,
      threshold: 1,
      valueText: `${n} samples`,
      thresholdText: '≥ 1',
      pass: n >= 1,
      detail: n >= 1 ? `${model}: ${scored} samples scored, ${compared} compared` : `no scores or comparisons for ${role} ${model} in the run`,
      planning: null,
    });
  }
  return checks;
}

function meanCheck(report: Report, s: GateSettings, ev: GateEvidence | undefined, metric: string, label: string, level: number): GateCheck | null {
  const cm = report.leaderboard.find((r) => r.model === s.candidate)?.scores[metric]?.mean;
  const bm = report.leaderboard.find((r) => r.model === s.baseline)?.scores[metric]?.mean;
  if (typeof cm !== 'number' || typeof bm !== 'number') return null;
  const diff = cm - bm;
  const spread = ev?.paired[metric];
  // A score stage stopped --until-decided: only its anytime-valid interval is valid (sequential.ts).
  const fixed = meanInterval(spread, level);
  const iv = sequentialMean(report, s.candidate, s.baseline, metric) ?? fixed;
  const rule = applyMeanRule(iv, s.margin, s.nonInferiority ?? false);
  const ivText = iv ? ` [${fmtSigned(iv.ci[0], 2)}, ${fmtSigned(iv.ci[1], 2)}] ${levelText(iv.level)}% ${iv.method}` : ' (no interval)';
  return {
    kind: 'mean',
    name: `mean ${label}`,
    metric,
    metricLabel: label,
    judge: null,
    // The paired estimate when there is one (samples scored for both), else the difference of means.
    value: iv ? iv.estimate : diff,
    threshold: -s.margin,
    valueText: `Δ ${fmtSigned(iv ? iv.estimate : diff, 2)}${ivText}`,
    thresholdText: rule.rule,
    pass: rule.pass,
    detail: `${label} mean ${fmtScore(cm)} for ${s.candidate} vs ${fmtScore(bm)} for ${s.baseline}: ${rule.reason}`,
    // The power of the interval the rule applies (its level, cluster-robust se and df);
    // none after an early stop, whose anytime-valid interval has no fixed-n power.
    planning:
      spread && spread.n >= 2 && !report.untilDecided?.score?.stoppedEarly
        ? meanPlanning(
            fixed && fixed.se !== undefined && fixed.df !== undefined
              ? { items: fixed.items, clusters: fixed.clusters, level, se: fixed.se, df: fixed.df, method: fixed.method }
              : null,
            spread.n,
            s.power,
            s.margin,
            s.nonInferiority ?? false,
          )
        : null,
    interval: iv,
  };
}

// 0.975 → "97.5", 0.95 → "95".
const levelText = (level: number) => String(Number((100 * level).toFixed(2)));

function pairwiseChecks(s: GateSettings, p: Oriented, label: string, report: Report, family: GatePValues): GateCheck[] {
  const { row } = p;
  // compare stopped --until-decided: the fixed-n sign test is not valid on the stopped sample.
  const seq = sequentialPairwise(report, s.candidate, s.baseline, row.metric, row.judge);
  if (seq) return [sequentialPairwiseCheck(s, p, label, seq)];
  const where = `${label} (${row.judge})`;
  const decisive = row.win + row.loss;
  // Clustered samples: the cluster-level sign test decides, since the
  // item-level test counts dependent records as independent. The p read is
  // the larger of the report's Holm (over the judge's rows) and the gate's
  // Holm over the rows it tests of every judge (pairwise-family.ts): each
  // controls its family, so the larger controls both.
  const cl = row.clustered ?? null;
  const fromReport = cl ? { p: cl.pHolm, log10p: cl.log10pHolm } : { p: row.pHolm, log10p: row.log10pHolm };
  const acrossJudges = family.adjusted.get(row) ?? fromReport;
  const read = acrossJudges.log10p > fromReport.log10p ? acrossJudges : fromReport;
  const pHolm = read.p;
  const log10pHolm = read.log10p;
  const pName = cl ? `cluster p(Holm, ${cl.clusters} ${cl.by} clusters)` : 'p(Holm)';
  const significantLoss = pHolm < s.alpha && p.net < 0;
  const unsupported = pairwiseUnsupported(report)
    ? ' (compare stopped early but this row was not in the stopping family: its fixed-n test is not valid under optional stopping)'
    : '';
  const checks: GateCheck[] = [
    {
      kind: 'pairwise',
      name: `pairwise ${where}`,
      metric: row.metric,
      metricLabel: label,
      judge: row.judge,
      value: p.net,
      threshold: s.alpha,
      valueText:
        `net ${fmtSigned(p.net)} pp` +
        (p.ci && p.decisive !== null ? `, decisive ${fmtShare(p.decisive)}% [${fmtShare(p.ci[0])}, ${fmtShare(p.ci[1])}]` : '') +
        `, ${pName} ${fmtP(pHolm, log10pHolm)}`,
      thresholdText: `not (p < ${s.alpha} and net < 0)`,
      pass: !significantLoss,
      detail: significantLoss
        ? `${s.candidate} loses significantly to ${s.baseline} on ${where}: net ${fmtSigned(p.net)} pp, ${pName} ${fmtP(pHolm, log10pHolm)} < ${s.alpha}`
        : `${s.candidate} vs ${s.baseline} on ${where}: net ${fmtSigned(p.net)} pp over ${row.n} samples${unsupported}`,
      // At the test the gate reads (clusters when clustered) and Holm's first step over the gate's rows.
      planning: signTestPlanning(
        cl ? cl.positive + cl.negative : decisive,
        s.alpha,
        s.power,
        Math.max(family.size, report.pairwise.filter((r) => r.judge === row.judge).length),
        cl ? `decisive ${cl.by} clusters` : 'decisive comparisons',
      ),
    },
  ];
  if (s.nonInferiorityFloor !== null) {
    const lower = p.ci?.[0] ?? null;
    const pass = lower !== null && lower > s.nonInferiorityFloor;
    checks.push({
      kind: 'non-inferiority',
      name: `non-inferiority ${where}`,
      metric: row.metric,
      metricLabel: label,
      judge: row.judge,
      value: lower,
      threshold: s.nonInferiorityFloor,
      valueText: lower === null ? 'no decisive comparison' : `Wilson low ${fmtShare(lower)}%`,
      thresholdText: `> ${fmtShare(s.nonInferiorityFloor)}%`,
      pass,
      detail: pass
        ? `the decisive win rate of ${s.candidate} is above ${fmtShare(s.nonInferiorityFloor)}% with 95% confidence`
        : `non-inferiority not shown on ${where}: the lower 95% bound of the decisive win rate ${lower === null ? 'is undefined' : `is ${fmtShare(lower)}%`}, not above ${fmtShare(s.nonInferiorityFloor)}%`,
      planning: null,
    });
  }
  return checks;
}

/** The pairwise rule on the anytime-valid figures of a stopped compare (see sequential.ts). */
function sequentialPairwiseCheck(s: GateSettings, p: Oriented, label: string, q: NonNullable<ReturnType<typeof sequentialPairwise>>): GateCheck {
  const where = `${label} (${p.row.judge})`;
  const loss = q.pHolm < s.alpha && q.losses > q.wins;
  const pText = `anytime p(Holm) ${fmtP(q.pHolm)}, e ${q.eValue.toPrecision(3)} over ${q.samples} samples (--until-decided stopped early)`;
  return {
    kind: 'pairwise',
    name: `pairwise ${where}`,
    metric: p.row.metric,
    metricLabel: label,
    judge: p.row.judge,
    value: p.net,
    threshold: s.alpha,
    valueText: `net ${fmtSigned(p.net)} pp, ${q.wins}/${q.losses} W/L, ${pText}`,
    thresholdText: `not (anytime p < ${s.alpha} and losses > wins)`,
    pass: !loss,
    detail: loss
      ? `${s.candidate} loses significantly to ${s.baseline} on ${where}: ${pText} < ${s.alpha}`
      : `${s.candidate} vs ${s.baseline} on ${where}: no significant loss by the sequential test (${pText})`,
    planning: null,
  };
}

export function decide(report: Report, settings: GateSettings, evidence?: GateEvidence): GateVerdict {
  const pairs = orientedRows(report, settings.candidate, settings.baseline);
  const checks = fitnessChecks(report, settings, evidence, pairs);
  const label = (id: string) => report.metrics.find((m) => m.id === id)?.abbr ?? id;
  const metricIds = [...report.metrics.map((m) => m.id), ...pairs.map((p) => p.row.metric)].filter((m, i, a) => a.indexOf(m) === i);
  let compared = 0;
  // Bonferroni over the metrics that get a mean check (see mean-rule.ts).
  const both = (m: string) =>
    [settings.candidate, settings.baseline].every((x) => typeof report.leaderboard.find((r) => r.model === x)?.scores[m]?.mean === 'number');
  const level = meanLevel(settings.alpha, metricIds.filter(both).length);
  const family = gateFamily(
    report,
    pairs.map((p) => p.row),
    settings.candidate,
    settings.baseline,
  );
  for (const metric of metricIds) {
    const mean = meanCheck(report, settings, evidence, metric, label(metric), level);
    if (mean) checks.push(mean);
    const rows = pairs.filter((p) => p.row.metric === metric).flatMap((p) => pairwiseChecks(settings, p, label(metric), report, family));
    checks.push(...rows);
    compared += (mean ? 1 : 0) + rows.length;
  }
  const dataPresent = checks.filter((c) => c.kind === 'fitness').every((c) => c.pass);
  if (dataPresent && compared === 0) {
    checks.push({
      kind: 'fitness',
      name: 'comparable data',
      metric: null,
      metricLabel: null,
      judge: null,
      value: 0,
      threshold: 1,
      valueText: '0 checks',
      thresholdText: '≥ 1',
      pass: false,
      detail: `no metric was scored for both ${settings.candidate} and ${settings.baseline}, and they were never compared`,
      planning: null,
    });
  }
  const unfit = checks.some((c) => c.kind === 'fitness' && !c.pass);
  const regression = checks.some((c) => c.kind !== 'fitness' && !c.pass);
  const status: GateStatus = unfit ? 'unfit' : regression ? 'regression' : 'pass';
  return {
    status,
    exitCode: status === 'unfit' ? 3 : status === 'regression' ? 1 : 0,
    candidate: settings.candidate,
    baseline: settings.baseline,
    settings,
    checks,
  };
}
