// Judging one response on one metric, one round: the unit of `score`.
import type { Failure, Judgment } from '../core/records.js';
import { offlineOverlap, offlineScore } from './offline.js';
import { pointwisePrompt, promptSha256 } from './rubrics/render.js';
import { isScore, parseScore } from './parsers/score.js';
import { ask, type Asked, type JudgeContext } from './ask.js';
import { judgeScene, sceneFailed } from './scene.js';
import type { PointJob } from './jobs.js';
import { paperZero, prepare, sampleView, type Prepared, type ScoreSettings } from './view.js';

export type { ScoreSettings };

export function scoreSchema(min: number, max: number): Record<string, unknown> {
  return {
    title: 'score',
    type: 'object',
    properties: { reasoning: { type: 'string' }, score: { type: 'integer', minimum: min, maximum: max } },
    required: ['reasoning', 'score'],
    additionalProperties: false,
  };
}

function failed(p: Prepared, failure: Failure, settings: ScoreSettings, mode: Judgment['mode']): Judgment {
  return {
    ...p.base,
    mode,
    // EBM-RL's convention, on request only: an empty answer counts as a zero score.
    score: settings.zeroOnFailure && paperZero(failure.kind) ? 0 : null,
    failure,
    raw: [],
    attempts: 0,
    usage: null,
    latencyMs: null,
    sent: null,
  };
}

export async function judgeOne(ctx: JudgeContext, job: PointJob, settings: ScoreSettings): Promise<Judgment> {
  const p = prepare(job, settings);
  const { rubric, judge, sample } = job;
  if (!job.response || job.response.error) {
    const message = job.response?.error ?? `no response of ${job.model} for sample ${sample.id}`;
    return failed(p, { kind: 'missing-response', message }, settings, judge.kind === 'offline' ? 'offline' : 'per-response');
  }
  if (!p.answer)
    return failed(p, { kind: 'empty-answer', message: 'the response has no answer to judge' }, settings, judge.kind === 'offline' ? 'offline' : 'per-response');

  if (judge.kind === 'offline') {
    const view = sampleView(sample, true);
    const score = offlineScore(rubric.id, view, p.answer, rubric.scale);
    return {
      ...p.base,
      mode: 'offline',
      score,
      raw: [`offline lexical overlap ${offlineOverlap(rubric.id, view, p.answer).toFixed(4)}`],
      attempts: 1,
      usage: null,
      latencyMs: 0,
      sent: null,
    };
  }

  const scene = await judgeScene(ctx, rubric, judge, sample);
  // No frames, no question: the judgment is a counted failure, never a score.
  if (sceneFailed(scene)) return failed(p, scene.failure, settings, 'per-response');
  const rendered = pointwisePrompt(rubric, sampleView(sample, scene.caption), p.answer, {
    json: judge.structuredOutput,
    frameCount: scene.manifest?.frames.length ?? 0,
  });
  const templateHash = promptSha256(rendered).slice(0, 16);
  const asked: Asked<number> = await ask(
    ctx,
    {
      judge,
      ...(rendered.shared ? { lead: rendered.shared } : {}),
      prompt: rendered.sample,
      sample,
      scene: scene.parts,
      key: `score:${p.base.provenance.judgeHash.slice(0, 16)}:r${job.round}`,
      maxRetries: settings.maxParseRetries,
      responseFormat: scoreSchema(rubric.scale.min, rubric.scale.max),
      parse: (reply) => {
        const r = parseScore(reply, rubric.scale);
        return isScore(r)
          ? { ok: true, value: r.score }
          : {
              ok: false,
              error: r.error,
              retry: `Your reply had no valid score (${r.error}). Give your final score as an integer from ${rubric.scale.min} to ${rubric.scale.max} on a last line "Score: N".`,
            };
      },
      ...(settings.refresh ? { refresh: true } : {}),
    },
    ctx.judgeOverrides,
  );
  // zeroOnFailure follows EBM-RL: a reply that was read but held no score counts 0 (never a network error or an untrusted reply).
  const score = asked.value ?? (settings.zeroOnFailure && asked.failure && paperZero(asked.failure.kind) ? 0 : null);
  return {
    ...p.base,
    provenance: { ...p.base.provenance, templateHash: `${rubric.template.hash.slice(0, 16)}:${templateHash}`, framesHash: scene.framesHash },
    mode: 'per-response',
    score,
    ...(asked.failure ? { failure: asked.failure } : {}),
    // The frames this judge saw (timestamps and hashes), as listwise judgments keep them: not only their hash.
    ...(scene.manifest ? { frames: scene.manifest } : {}),
    raw: asked.raw,
    attempts: asked.attempts,
    usage: asked.usage,
    latencyMs: asked.latencyMs,
    sent: asked.sent,
    callId: asked.spend.callId,
    spend: asked.spend,
  };
}
