// report.md's calibration section (written by `rolejudge calibrate`): each
// judge figure beside its human-corrected one (prediction-powered inference)
// with the valid interval. The same cells feed the terminal table of
// `calibrate`, so what is printed is what is written.
import type { ReportCalibration } from '../../../core/report.js';
import { fmtScore, fmtShare, fmtSigned } from '../../../core/format.js';

type Esc = (s: string) => string;
type Table = (header: string[], align: ('l' | 'r')[], rows: string[][]) => string;

const labelled = (n: number, unmatched: number, what: string) => `${n}` + (unmatched ? ` (+${unmatched} without a judge ${what})` : '');

export const MEAN_HEADER = ['Model', 'Metric', 'Judge mean (n)', 'Corrected (PPI)', '95% CI', 'Correction', 'Labelled'];

export function meanRows(cal: ReportCalibration, esc: Esc = (s) => s): string[][] {
  return cal.means.map((r) => [
    esc(r.model),
    esc(r.metric),
    r.judgeMean !== null ? `${fmtScore(r.judgeMean)} (${r.judgeSamples})` : 'no judge scores',
    r.corrected ? fmtScore(r.corrected.estimate) : 'too few labels',
    r.corrected ? `${fmtScore(r.corrected.ci95[0])}, ${fmtScore(r.corrected.ci95[1])}` : '–',
    r.corrected?.correction != null ? fmtSigned(r.corrected.correction, 2) : '–',
    labelled(r.labelled, r.unmatched, 'score'),
  ]);
}

export const WIN_HEADER = [
  'Candidate vs Baseline',
  'Metric',
  'Judge',
  'Judge decisive % (n)',
  'Corrected % (PPI)',
  '95% CI (%)',
  'Correction (pp)',
  'Labelled',
];

/** Rates in percent with one decimal, as the pairwise table shows them. */
export function winRows(cal: ReportCalibration, esc: Esc = (s) => s): string[][] {
  return cal.winRates.map((r) => [
    `${esc(r.candidate)} vs ${esc(r.baseline)}`,
    esc(r.metric),
    esc(r.judge),
    r.judgeDecisive !== null ? `${fmtShare(r.judgeDecisive)} (${r.judgeComparisons})` : `no decisive verdict (${r.judgeComparisons})`,
    r.corrected ? fmtShare(r.corrected.estimate) : 'too few labels',
    r.corrected ? `${fmtShare(r.corrected.ci95[0])}, ${fmtShare(r.corrected.ci95[1])}` : '–',
    r.corrected?.correction != null ? fmtSigned(100 * r.corrected.correction, 1) : '–',
    labelled(r.labelled, r.unmatched, 'verdict'),
  ]);
}

export const CALIBRATION_NOTE =
  'Corrected = judge figure on the unlabelled samples + mean(human − judge) on the labelled ones (prediction-powered inference), 95% normal interval; ' +
  'a decisive win rate is corrected as a ratio (wins over decisive verdicts, delta-method interval clipped to 0–100). The labelled samples must be a random subset of the split.';

export function calibrationSections(cal: ReportCalibration | undefined, esc: Esc, table: Table): string[] {
  if (!cal) return [];
  const parts = [
    `## Calibration with human labels\n\nLabels: ${esc(cal.labels)}. Judges ${cal.judgeHashes.map(esc).join(', ') || '–'}; rubric templates ${cal.rubricHashes.map(esc).join(', ') || '–'}.`,
  ];
  if (cal.warnings.length) parts.push(cal.warnings.map((w) => `- **Warning:** ${esc(w)}`).join('\n'));
  if (cal.means.length) parts.push(table(MEAN_HEADER, ['l', 'l', 'r', 'r', 'r', 'r', 'r'], meanRows(cal, esc)));
  if (cal.winRates.length) parts.push(table(WIN_HEADER, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'], winRows(cal, esc)));
  parts.push(CALIBRATION_NOTE);
  return [parts.join('\n\n')];
}
