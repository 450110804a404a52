// Plain-text tables for the terminal (and CI logs): the same cells as the
// Markdown report, padded into columns.
import type { Report } from '../../core/report.js';
import { pairwiseView, scoreView } from './writers/view.js';
import { fmtShare } from '../../core/format.js';
import { numericTable } from '../../core/table.js';
import { incompleteLines } from './writers/incomplete.js';

const table = numericTable;

export function terminalTables(report: Report): string {
  const parts: string[] = [];
  const stops = incompleteLines(report);
  if (stops.length) parts.push(`INCOMPLETE RUN\n${stops.map((l) => `  ${l}`).join('\n')}`);
  const scores = scoreView(report);
  if (scores.length) {
    const metrics = report.metrics.filter((m) => report.leaderboard.some((r) => r.scores[m.id]));
    parts.push(
      'Scores (mean over samples; * best in column)\n' +
        table(
          ['Model', ...metrics.map((m) => m.abbr), 'Avg', 'n'],
          scores.map((r) => [
            r.model,
            ...metrics.map((m) => {
              const c = r.cells.find((x) => x.metric === m.id)!;
              return c.text + (c.best ? '*' : ' ');
            }),
            r.avg.text + (r.avg.best ? '*' : ' '),
            String(r.n),
          ]),
        ),
    );
  }
  const pw = report.pairwise.map((row) => pairwiseView(report, row));
  if (pw.length) {
    parts.push(
      'Pairwise (candidate vs baseline; W/L/T %, net = W% − L%, decisive = W/(W+L), exact sign test)\n' +
        table(
          ['Candidate vs baseline', 'Metric', 'Judge', 'n', 'W/L/T', 'Net', 'Decisive', 'p', 'p (Holm)'],
          pw.map((r) => [`${r.candidate} vs ${r.baseline}`, r.metric, r.judge, String(r.n), r.wlt, r.net, r.decisive, r.p, r.pHolm]),
        ),
    );
  }
  const pb = report.positionBias.filter((p) => p.pairs > 0);
  if (pb.length) {
    parts.push(
      'Position bias (both orders judged)\n' +
        table(
          ['Judge', 'Metric', 'Pairs', 'Consistent %', 'First-position wins %'],
          pb.map((p) => [
            p.judge,
            report.metrics.find((m) => m.id === p.metric)?.abbr ?? p.metric,
            String(p.pairs),
            fmtShare(p.consistency),
            fmtShare(p.firstPositionWinRate),
          ]),
        ),
    );
  }
  const c = report.counts;
  parts.push(
    `Records: ${c.responses} responses (${c.responseErrors} errors, ${c.invalidFormat} invalid format), ` +
      `${c.judgments} judgments (${c.judgmentFailures} failed: ${c.parseFailures} unparseable, ${c.judgeErrors} judge errors, ${c.emptyAnswers} empty answers), ` +
      `${c.comparisons} comparisons (${c.comparisonFailures} without verdict); ${c.calls} calls, ${c.promptTokens + c.completionTokens} tokens.`,
  );
  return parts.join('\n\n') + '\n';
}
