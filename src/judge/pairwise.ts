// One pairwise comparison: a candidate's and a baseline's answers, anonymized
// as A and B in a seeded order and, by default, judged in both orders and
// combined by a named rule (strict, ebm, half).
import type { CombineRule, Comparison, OrderedVerdict, ResponseRecord, Verdict } from '../core/records.js';
import { judgeHash } from './judges.js';
import { assignOrder } from './protocol/position.js';
import { combineOrders, outcomeFor } from './protocol/combine.js';
import { pairwisePrompt, promptSha256 } from './rubrics/render.js';
import { pairwiseGrammar } from './parsers/registry.js';
import { offlineVerdict } from './offline.js';
import { ask, BudgetStop, reportUnrecorded, type JudgeContext } from './ask.js';
import { UnfitRunError } from '../core/errors.js';
import { judgeScene, sceneFailed, type JudgeScene } from './scene.js';
import type { PairJob } from './jobs.js';
import { prepare, sampleView, type ScoreSettings } from './view.js';
import { EMPTY_RESPONSE } from './listwise.js';

export interface PairSettings extends ScoreSettings {
  seed: number;
  bothOrders: boolean;
  combine: CombineRule;
  /**
   * With both orders asked, whether one order's verdict may stand alone when
   * the other failed. Off by default: one order alone carries the position
   * bias both orders exist to cancel, so such a comparison is a failure.
   */
  oneOrderDecides?: boolean;
  /**
   * The paper's conventions (score.zeroOnFailure): an empty answer is shown to
   * the judge as "(EMPTY RESPONSE)", as the listwise judge shows it, so a model
   * that answered nothing is compared — and loses — instead of being left out
   * of the comparison, which would flatter it.
   */
  showEmpty?: boolean;
}

const verdictSchema = {
  title: 'verdict',
  type: 'object',
  properties: { reasoning: { type: 'string' }, verdict: { type: 'string', enum: ['A', 'B', 'tie'] } },
  required: ['reasoning', 'verdict'],
  additionalProperties: false,
};

function answerOf(job: PairJob, model: string, responses: Map<string, Map<string, ResponseRecord>>, settings: PairSettings) {
  const response = responses.get(job.sample.id)?.get(model);
  const p = prepare({ sample: job.sample, model, response, rubric: job.rubric, judge: job.judge, round: job.round }, settings);
  return { response, answer: p.answer, hash: p.base.provenance.responseHash };
}

/** A comparison's record before any order is asked: no outcome, no orders. */
export function comparisonRecord(job: PairJob, rule: Comparison['rule'], provenance: Comparison['provenance'], chars: [number, number]): Comparison {
  return {
    type: 'comparison',
    sampleId: job.sample.id,
    candidate: job.candidate,
    baseline: job.baseline,
    metric: job.rubric.id,
    judge: job.judge.name,
    round: job.round,
    orders: [],
    rule,
    outcome: null,
    credit: null,
    provenance,
    candidateChars: chars[0],
    baselineChars: chars[1],
  };
}

export async function compareOne(
  ctx: JudgeContext,
  job: PairJob,
  responses: Map<string, Map<string, ResponseRecord>>,
  settings: PairSettings,
  /** The recorded attempt being redone: orders that gave a verdict are kept, not asked again. */
  previous?: Comparison,
  /**
   * Told of each order as soon as it is asked (not of kept ones), with the
   * pair's responseHash, so the caller can make it durable before the other
   * order is asked. Orders it was told of are the caller's to account for.
   */
  onOrder?: (o: OrderedVerdict, responseHash: string) => void,
): Promise<Comparison> {
  const cand = answerOf(job, job.candidate, responses, settings);
  const base = answerOf(job, job.baseline, responses, settings);
  const first = assignOrder(job.sample.id, job.candidate, job.baseline, job.rubric.id, settings.seed);
  const orderList: Array<'AB' | 'BA'> = settings.bothOrders ? [first, first === 'AB' ? 'BA' : 'AB'] : [first];
  const jh = judgeHash(job.judge);
  const record = comparisonRecord(
    job,
    settings.combine,
    {
      judgeHash: jh,
      templateHash: job.rubric.pairwiseTemplate!.hash.slice(0, 16),
      rubricVersion: job.rubric.version,
      responseHash: `${cand.hash}:${base.hash}`,
      framesHash: null,
      round: job.round,
    },
    [cand.answer.length, base.answer.length],
  );
  const shownEmpty = (x: typeof cand) => settings.showEmpty === true && x.response !== undefined && !x.response.error && !x.answer;
  const text = (x: typeof cand) => (shownEmpty(x) ? EMPTY_RESPONSE : x.answer);
  const missing = [cand, base].find((x) => !x.response || x.response.error || (!x.answer && !shownEmpty(x)));
  if (missing) {
    const which = missing === cand ? job.candidate : job.baseline;
    record.failure =
      missing.response && !missing.response.error
        ? { kind: 'empty-answer', message: `${which} has no answer to compare` }
        : { kind: 'missing-response', message: missing.response?.error ?? `no response of ${which}` };
    return record;
  }
  const scene = job.judge.kind === 'llm' ? await judgeScene(ctx, job.rubric, job.judge, job.sample) : null;
  // No frames, no question: the comparison is a counted failure, never a verdict.
  if (scene && sceneFailed(scene)) {
    record.failure = scene.failure;
    return record;
  }
  record.provenance.framesHash = scene?.framesHash ?? null;
  for (const order of orderList) {
    const kept =
      previous?.provenance.responseHash === record.provenance.responseHash ? previous.orders.find((o) => o.order === order && o.verdict !== null) : undefined;
    // A kept order keeps its spend: the record it came from is replaced, so nothing is counted twice.
    if (kept) {
      record.orders.push(kept);
      continue;
    }
    const [a, b] = order === 'AB' ? [text(cand), text(base)] : [text(base), text(cand)];
    try {
      const asked = await judgeOrder(ctx, job, order, a, b, scene, settings, jh);
      record.orders.push(asked);
      onOrder?.(asked, record.provenance.responseHash);
    } catch (err) {
      // Stopped before the comparison is whole (budget, endpoint down): no record is
      // written, so the orders asked in this call are counted apart — they were sent
      // (unless the caller holds them: it was told of each, onOrder).
      if (!onOrder && (err instanceof BudgetStop || err instanceof UnfitRunError))
        for (const o of record.orders) if (o.spend && !previous?.orders.includes(o)) reportUnrecorded(ctx, job.judge.name, o.spend);
      throw err;
    }
  }
  const failedOrder = record.orders.find((o) => o.outcome === null);
  if (failedOrder && orderList.length > 1 && !settings.oneOrderDecides) {
    // Never decided by one order: the comparison stays a failure until both are in.
    record.failure = { ...(failedOrder.failure ?? { kind: 'parse', message: 'no verdict' }) };
    record.failure.message = `order ${failedOrder.order} failed: ${record.failure.message}`;
    return record;
  }
  const combined = combineOrders(
    record.orders.map((o) => o.outcome),
    settings.combine,
  );
  record.outcome = combined.outcome;
  record.credit = combined.credit;
  if (combined.outcome === null) record.failure = record.orders.find((o) => o.failure)?.failure ?? { kind: 'parse', message: 'no verdict' };
  return record;
}

async function judgeOrder(
  ctx: JudgeContext,
  job: PairJob,
  order: 'AB' | 'BA',
  a: string,
  b: string,
  scene: JudgeScene | null,
  settings: PairSettings,
  jh: string,
): Promise<OrderedVerdict> {
  const templateHash = job.rubric.pairwiseTemplate!.hash.slice(0, 16);
  if (job.judge.kind === 'offline') {
    const verdict = offlineVerdict(job.rubric.id, job.sample, a, b);
    return {
      order,
      verdict,
      outcome: outcomeFor(verdict, order),
      raw: [`offline verdict ${verdict}`],
      attempts: 1,
      usage: null,
      latencyMs: 0,
      sent: null,
      templateHash,
    };
  }
  const rendered = pairwisePrompt(job.rubric, sampleView(job.sample, scene!.caption), a, b, {
    json: job.judge.structuredOutput,
    frameCount: scene!.manifest?.frames.length ?? 0,
  });
  const grammar = pairwiseGrammar(job.rubric.pairwiseParser ?? 'verdict');
  let confidence: string | undefined;
  const asked = await ask<Verdict>(
    ctx,
    {
      judge: job.judge,
      ...(rendered.shared ? { lead: rendered.shared } : {}),
      prompt: rendered.sample,
      sample: job.sample,
      scene: scene!.parts,
      key: `compare:${jh.slice(0, 16)}:r${job.round}:${order}`,
      maxRetries: settings.maxParseRetries,
      // The JSON schema is rolejudge's own grammar; a rubric speaking another one gets none.
      ...((job.rubric.pairwiseParser ?? 'verdict') === 'verdict' ? { responseFormat: verdictSchema } : {}),
      ...(job.rubric.pairwiseMaxTokens ? { maxTokens: job.rubric.pairwiseMaxTokens } : {}),
      ...(settings.refresh ? { refresh: true } : {}),
      parse: (reply) => {
        const r = grammar.parse(reply);
        if ('error' in r) return { ok: false, error: r.error, retry: grammar.retry(r.error) };
        confidence = r.confidence;
        return { ok: true, value: r.verdict };
      },
    },
    ctx.judgeOverrides,
  );
  return {
    order,
    verdict: asked.value,
    outcome: outcomeFor(asked.value, order),
    raw: asked.raw,
    attempts: asked.attempts,
    usage: asked.usage,
    latencyMs: asked.latencyMs,
    sent: asked.sent,
    ...(asked.failure ? { failure: asked.failure } : {}),
    templateHash: `${templateHash}:${promptSha256(rendered).slice(0, 16)}`,
    ...(confidence ? { confidence } : {}),
    spend: asked.spend,
  };
}
