// Anonymous positions. Which response is shown first, and which model gets
// which listwise label, come from a seeded hash of the sample, so a rerun
// (or a resumed run) shows the judge exactly the same arrangement.
import { createHash } from 'node:crypto';

function digest(parts: Array<string | number>): Buffer {
  // NUL-separated so ("ab","c") and ("a","bc") hash differently.
  return createHash('sha256').update(parts.map(String).join('\u0000')).digest();
}

/**
 * "AB": the candidate is shown as Response A; "BA": as Response B.
 * Half the (sample, pair, metric) keys land on each side in expectation.
 */
export function assignOrder(sampleId: string, candidate: string, baseline: string, metric: string, seed: string | number): 'AB' | 'BA' {
  return (digest(['order', seed, sampleId, candidate, baseline, metric])[0]! & 1) === 0 ? 'AB' : 'BA';
}

/** "A".."Z", then "AA", "AB"… (spreadsheet style) for very large model lists. */
export function labelName(index: number): string {
  let n = index;
  let out = '';
  do {
    out = String.fromCharCode(65 + (n % 26)) + out;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return out;
}

export interface LabelAssignment {
  /** model → label shown to the judge ("A", "B", …). */
  labels: Record<string, string>;
  /** Models in label order: order[0] is Model A. */
  order: string[];
}

/**
 * Per-sample shuffled labels for listwise judging. Deterministic in
 * (sampleId, set of models, seed) — the input order of `models` does not
 * matter, so reordering a config does not reshuffle every prompt.
 */
export function shuffleLabels(sampleId: string, models: string[], seed: string | number): LabelAssignment {
  const order = [...new Set(models)].sort();
  if (order.length !== models.length) throw new Error('shuffleLabels: model names must be unique');
  // Fisher–Yates driven by a hash chain: each draw hashes the previous state.
  let state = digest(['labels', seed, sampleId, ...order]);
  for (let i = order.length - 1; i > 0; i--) {
    state = createHash('sha256').update(state).digest();
    const j = state.readUInt32BE(0) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const labels: Record<string, string> = {};
  order.forEach((model, i) => (labels[model] = labelName(i)));
  return { labels, order };
}
