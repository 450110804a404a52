// Judging one response on one metric, one round: the unit of `score`.
import type { StageContext } from '../context.js';
import { judgeableAnswer } from '../judge/answer.js';
import { judgeHash } from '../judge/judge.js';
import { offlineOverlap, offlineScore } from '../judge/offline.js';
import { renderPointwise } from '../judge/render.js';
import { isScore, parseScore } from '../judge/score-parse.js';
import { detectSelfId, maskSelfId } from '../judge/self-id.js';
import { sha256 } from '../judge/template.js';
import type { Failure, Judgment, Sample } from '../types.js';
import { ask, type Asked } from '../judging/ask.js';
import { judgeScene } from '../judging/scene.js';
import type { PointJob } from './jobs.js';

export interface ScoreSettings {
  includePerception: boolean;
  maskSelfId: boolean;
  zeroOnFailure: boolean;
  maxParseRetries: number;
  noCache?: boolean;
}

export function scoreSchema(min: number, max: number): Record<string, unknown> {
  return {
    title: 'score',
    type: 'object',
    properties: { reasoning: { type: 'string' }, score: { type: 'integer', minimum: min, maximum: max } },
    required: ['reasoning', 'score'],
    additionalProperties: false,
  };
}

/** The sample as the template sees it: the caption only when the judge may read it. */
export function sampleView(sample: Sample, caption: boolean): Sample {
  if (caption || sample.caption === undefined) return sample;
  const { caption: _hidden, ...rest } = sample;
  return rest;
}

export interface Prepared {
  answer: string;
  selfId: string[];
  base: Omit<Judgment, 'score' | 'raw' | 'attempts' | 'usage' | 'latencyMs' | 'sent' | 'mode' | 'provenance'> & {
    provenance: Omit<Judgment['provenance'], 'templateHash' | 'framesHash'> & { templateHash: string; framesHash: string | null };
  };
}

interface JudgedAnswer {
  answer: string;
  selfId: string[];
  responseHash: string;
}

// One response is judged on every metric, by every judge, in every round
// (EBM-RL × 3 rounds × 2 judges: dozens of jobs); its answer text, self-id
// scan and hash are worked out once, not once per job. Jobs of one response
// are generated next to each other, so remembering the latest few hundred
// responses is enough — and keeps memory flat however large the split.
const RECENT = 512;
const answers = new Map<object, { variant: string; value: JudgedAnswer }>();
const judgeHashes = new WeakMap<object, string>();

function judgedAnswer(response: PointJob['response'], settings: ScoreSettings): JudgedAnswer {
  const variant = `${settings.includePerception}|${settings.maskSelfId}`;
  const known = response ? answers.get(response) : undefined;
  if (known && known.variant === variant) return known.value;
  const raw = response ? judgeableAnswer(response, { includePerception: settings.includePerception }) : '';
  const selfId = detectSelfId(raw);
  const answer = settings.maskSelfId && selfId.length ? maskSelfId(raw) : raw;
  const value = { answer, selfId, responseHash: sha256(answer).slice(0, 16) };
  if (response) {
    answers.delete(response);
    answers.set(response, { variant, value });
    if (answers.size > RECENT) answers.delete(answers.keys().next().value!);
  }
  return value;
}

function judgeHashOf(judge: PointJob['judge']): string {
  let h = judgeHashes.get(judge);
  if (h === undefined) judgeHashes.set(judge, (h = judgeHash(judge)));
  return h;
}

export function prepare(job: PointJob, settings: ScoreSettings): Prepared {
  const { answer, selfId, responseHash } = judgedAnswer(job.response, settings);
  return {
    answer,
    selfId,
    base: {
      type: 'judgment',
      sampleId: job.sample.id,
      model: job.model,
      metric: job.rubric.id,
      judge: job.judge.name,
      round: job.round,
      selfId,
      answerChars: answer.length,
      provenance: {
        judgeHash: judgeHashOf(job.judge),
        templateHash: job.rubric.template.hash,
        rubricVersion: job.rubric.version,
        responseHash,
        framesHash: null,
        order: 'single',
        round: job.round,
      },
    },
  };
}

function failed(p: Prepared, failure: Failure, settings: ScoreSettings, mode: Judgment['mode']): Judgment {
  return {
    ...p.base,
    mode,
    // EBM-RL's convention, on request only: a failure counts as a zero score.
    score: settings.zeroOnFailure ? 0 : null,
    failure,
    raw: [],
    attempts: 0,
    usage: null,
    latencyMs: null,
    sent: null,
  };
}

export async function judgeOne(ctx: StageContext, job: PointJob, settings: ScoreSettings): Promise<Judgment> {
  const p = prepare(job, settings);
  const { rubric, judge, sample } = job;
  if (!job.response || job.response.error) {
    const message = job.response?.error ?? `no response of ${job.model} for sample ${sample.id}`;
    return failed(p, { kind: 'missing-response', message }, settings, judge.kind === 'offline' ? 'offline' : 'per-response');
  }
  if (!p.answer) return failed(p, { kind: 'empty-answer', message: 'the response has no answer to judge' }, settings, judge.kind === 'offline' ? 'offline' : 'per-response');

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
  const prompt = renderPointwise(rubric, sampleView(sample, scene.caption), p.answer, {
    json: judge.structuredOutput,
    frameCount: scene.manifest?.frames.length ?? 0,
  });
  const templateHash = sha256(prompt).slice(0, 16);
  const asked: Asked<number> = await ask(
    ctx,
    {
      judge,
      prompt,
      scene: scene.parts,
      key: `score:${p.base.provenance.judgeHash.slice(0, 16)}:r${job.round}`,
      maxRetries: settings.maxParseRetries,
      responseFormat: scoreSchema(rubric.scale.min, rubric.scale.max),
      parse: (reply) => {
        const r = parseScore(reply, rubric.scale);
        return isScore(r)
          ? { ok: true, value: r.score }
          : { ok: false, error: r.error, retry: `Your reply had no valid score (${r.error}). Give your final score as an integer from ${rubric.scale.min} to ${rubric.scale.max} on a last line "Score: N".` };
      },
      ...(settings.noCache ? { noCache: true } : {}),
    },
    ctx.judgeOverrides,
  );
  const score = asked.value ?? (settings.zeroOnFailure && asked.failure?.kind === 'parse' ? 0 : null);
  return {
    ...p.base,
    provenance: { ...p.base.provenance, templateHash: `${rubric.template.hash.slice(0, 16)}:${templateHash}`, framesHash: scene.framesHash },
    mode: 'per-response',
    score,
    ...(asked.failure ? { failure: asked.failure } : {}),
    raw: asked.raw,
    attempts: asked.attempts,
    usage: asked.usage,
    latencyMs: asked.latencyMs,
    sent: asked.sent,
  };
}
