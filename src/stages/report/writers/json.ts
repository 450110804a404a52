// report.json: the whole Report, for scripts and for `rolejudge gate`.
// Key order is the Report's own insertion order, so the same Report object
// always serialises to the same bytes.
import type { Report } from '../../../core/report.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
