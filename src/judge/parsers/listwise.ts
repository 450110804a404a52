// Several scores from one reply: listwise ({"A": {"VEG": 7, …}, "B": …}) and
// multi-metric ({"VEG": 7, "SPC": 8, …}). The result says exactly which
// (label, metric) cells are missing, so the caller re-asks only for those.
import type { Scale } from '../rubrics/schema.js';
import { findKeyed, jsonObjects, toNumber } from './json-extract.js';
import { isScoreKey } from './score.js';

export interface MissingCell {
  label: string;
  metric: string;
  reason: string;
}

export interface ListwiseParse {
  /** label → metric key → score, only for cells that parsed and are in range. */
  scores: Record<string, Record<string, number>>;
  missing: MissingCell[];
}

export interface MultiMetricParse {
  scores: Record<string, number>;
  missing: Array<{ metric: string; reason: string }>;
}

const norm = (s: string): string => s.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
/** "Model A", "model_a", "Response A", "A" → "A". */
const normLabel = (s: string): string => norm(s.trim().replace(/^(?:model|response|candidate|system)[\s_-]*/i, ''));

type Cell = { value: number } | { reason: string };

function cellValue(raw: unknown, scale: Scale): Cell {
  // Some judges nest: {"VEG": {"score": 7, "reason": "…"}}.
  const inner = typeof raw === 'object' && raw !== null ? findKeyed(raw, isScoreKey) : null;
  const v = inner ? inner.obj[inner.key] : raw;
  const n = toNumber(v);
  if (!n) return { reason: `not a number: ${JSON.stringify(v)}` };
  if (n.outOf !== null && n.outOf !== scale.max) return { reason: `${n.value}/${n.outOf} is on the wrong scale` };
  if (n.value < scale.min || n.value > scale.max) {
    return { reason: `${n.value} is outside the scale ${scale.min}–${scale.max}` };
  }
  return { value: n.value };
}

/** Metric cells of one object, keyed by the caller's metric keys. */
function metricCells(obj: Record<string, unknown>, metrics: string[], scale: Scale): Map<string, Cell> {
  const out = new Map<string, Cell>();
  for (const [k, v] of Object.entries(obj)) {
    const metric = metrics.find((m) => norm(m) === norm(k));
    if (metric) out.set(metric, cellValue(v, scale));
  }
  return out;
}

/** Cells from prose: `VEG: 7`, `**SPC**: 8`, `CN = 6` — the last mention wins. */
function textCells(text: string, metrics: string[], scale: Scale): Map<string, Cell> {
  const out = new Map<string, Cell>();
  for (const metric of metrics) {
    const escaped = metric.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(String.raw`\b${escaped}\b["'*_\s]*(?:\([^)\n]{0,40}\))?["'*_\s]*[:=]?["'*_\s]*(-?\d+(?:\.\d+)?)(?:\s*\/\s*(\d+))?`, 'gi');
    const all = [...text.matchAll(re)];
    const last = all[all.length - 1];
    if (last) out.set(metric, cellValue(last[2] ? `${last[1]}/${last[2]}` : last[1], scale));
  }
  return out;
}

/** Segments of prose introduced by "Model A", "Response B", "### C:" … */
function textSegments(text: string, labels: string[]): Map<string, string> {
  const heads: Array<{ label: string; index: number }> = [];
  // Case-sensitive label letter: "the response a bit long" is not a heading.
  const re = /(?:\b(?:[Mm]odel|[Rr]esponse|[Cc]andidate|MODEL|RESPONSE)\s+([A-Z])\b|^\s*#{1,6}\s*([A-Z])\b|"([A-Z])"\s*:)/gm;
  for (const m of text.matchAll(re)) {
    const label = normLabel(m[1] ?? m[2] ?? m[3] ?? '');
    if (labels.some((l) => normLabel(l) === label)) heads.push({ label, index: m.index ?? 0 });
  }
  const out = new Map<string, string>();
  heads.forEach((h, i) => {
    const end = heads[i + 1]?.index ?? text.length;
    out.set(h.label, (out.get(h.label) ?? '') + text.slice(h.index, end));
  });
  return out;
}

export function parseListwise(reply: string | null | undefined, labels: string[], metrics: string[], scale: Scale): ListwiseParse {
  const text = (reply ?? '').trim();
  const cells = new Map<string, Map<string, Cell>>();

  if (text !== '') {
    const objects = jsonObjects(text);
    for (let i = objects.length - 1; i >= 0 && cells.size === 0; i--) {
      const holder = findKeyed(objects[i]!.value, (k) => labels.some((l) => normLabel(l) === normLabel(k)));
      if (!holder) continue;
      for (const [k, v] of Object.entries(holder.obj)) {
        const label = labels.find((l) => normLabel(l) === normLabel(k));
        if (label && typeof v === 'object' && v !== null) cells.set(label, metricCells(v as Record<string, unknown>, metrics, scale));
      }
    }
    // Prose, or JSON cut off part-way: read what each label's segment says.
    const segments = textSegments(text, labels);
    for (const label of labels) {
      const segment = segments.get(normLabel(label));
      if (!segment) continue;
      const have = cells.get(label) ?? new Map<string, Cell>();
      for (const [metric, cell] of textCells(segment, metrics, scale)) {
        const prior = have.get(metric);
        if (!prior || !('value' in prior)) have.set(metric, cell);
      }
      cells.set(label, have);
    }
  }

  const result: ListwiseParse = { scores: {}, missing: [] };
  for (const label of labels) {
    for (const metric of metrics) {
      const cell = cells.get(label)?.get(metric);
      if (cell && 'value' in cell) (result.scores[label] ??= {})[metric] = cell.value;
      else {
        const reason = text === '' ? 'empty reply' : (cell?.reason ?? (cells.has(label) ? 'metric missing' : 'label missing'));
        result.missing.push({ label, metric, reason });
      }
    }
  }
  return result;
}

/** Several metrics of one response: {"VEG": 7, "SPC": 8, "CN": 6} or prose. */
export function parseMultiMetric(reply: string | null | undefined, metrics: string[], scale: Scale): MultiMetricParse {
  const text = (reply ?? '').trim();
  let cells = new Map<string, Cell>();
  if (text !== '') {
    const objects = jsonObjects(text);
    for (let i = objects.length - 1; i >= 0 && cells.size === 0; i--) {
      const holder = findKeyed(objects[i]!.value, (k) => metrics.some((m) => norm(m) === norm(k)));
      if (holder) cells = metricCells(holder.obj, metrics, scale);
    }
    for (const [metric, cell] of textCells(text, metrics, scale)) {
      const prior = cells.get(metric);
      if (!prior || !('value' in prior)) cells.set(metric, cell);
    }
  }
  const result: MultiMetricParse = { scores: {}, missing: [] };
  for (const metric of metrics) {
    const cell = cells.get(metric);
    if (cell && 'value' in cell) result.scores[metric] = cell.value;
    else result.missing.push({ metric, reason: text === '' ? 'empty reply' : (cell?.reason ?? 'metric missing') });
  }
  return result;
}
