// What a dry run judges before generation: the responses generate would make.
// A model with an outputs file is read from it (the exact answers the real run
// will judge); a live model's answer is not known yet, so a placeholder unique
// to its (sample, model) stands in — one judge request each, as the real run
// will send (re-asks cannot be foreseen).
import type { ResponseRecord } from '../core/records.js';
import { sha256 } from '../core/hash.js';
import type { StageContext } from './context.js';

export type ResponseIndex = Map<string, Map<string, ResponseRecord>>;

export function placeholderResponse(sampleId: string, model: string, kind: ResponseRecord['kind']): ResponseRecord {
  // Distinct per model and sample, and free of the model's name: the anonymity
  // guard masks names, and two models' stand-ins masked alike would be counted
  // as one identical request (a dry run with two live models said 60 calls
  // where the run made 96).
  const answer = `[the answer model #${sha256(model).slice(0, 12)} will give to ${sampleId}]`;
  return {
    type: 'response',
    sampleId,
    model,
    kind,
    raw: kind === 'ebm' ? `<answer>${answer}</answer>` : answer,
    answer,
    format: { valid: true, flags: [] },
    usage: null,
    latencyMs: null,
    requestHash: null,
    frames: null,
    via: 'network',
  };
}

/** Recorded responses, with the dry run's planned ones where none usable is recorded. */
export function withPlanned(ctx: Pick<StageContext, 'plannedResponses'>, recorded: ResponseIndex): ResponseIndex {
  const planned = ctx.plannedResponses;
  if (!planned) return recorded;
  const out: ResponseIndex = new Map([...recorded].map(([id, m]) => [id, new Map(m)]));
  for (const [id, m] of planned) {
    let into = out.get(id);
    if (!into) out.set(id, (into = new Map()));
    for (const [model, r] of m) if (!into.get(model) || into.get(model)!.error) into.set(model, r);
  }
  return out;
}

/** A lookup that falls back to the planned responses (the streamed score path). */
export function plannedLookup<L extends { get(sampleId: string, model: string): Promise<ResponseRecord | undefined> }>(
  ctx: Pick<StageContext, 'plannedResponses'>,
  lookup: L,
): { get(sampleId: string, model: string): Promise<ResponseRecord | undefined> } {
  const planned = ctx.plannedResponses;
  if (!planned) return lookup;
  return {
    async get(sampleId, model) {
      const r = await lookup.get(sampleId, model);
      return r && !r.error ? r : (planned.get(sampleId)?.get(model) ?? r);
    },
  };
}
