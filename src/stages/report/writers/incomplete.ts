// What the report says about a run a budget stopped (--max-calls/--max-tokens,
// exit 5), in a shard or in the run itself: its figures cover only the records
// made, so every format says so up front, with what was left undone.
import type { Report } from '../../../core/report.js';
import { describeBudgetStop } from '../../../pipeline/run-status.js';

/** One line per stopped stage; empty when the run is complete. */
export function incompleteLines(report: Report): string[] {
  const stops = report.incomplete?.budgetStops ?? [];
  if (!stops.length) return [];
  return [
    ...stops.map(describeBudgetStop),
    'The figures cover only the records made; rerun the same command (in each shard named) to finish, then report again.',
  ];
}

export function incompleteMarkdown(report: Report, esc: (s: string) => string): string {
  const lines = incompleteLines(report);
  return lines.length ? `## INCOMPLETE RUN\n\n${lines.map((l) => `- **${esc(l)}**`).join('\n')}` : '';
}
