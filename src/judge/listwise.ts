// One listwise call (EBM-RL): every system's answer to a sample in one prompt,
// labelled Model A, B, C… in an order shuffled per sample by the run's seed.
// A reply missing some labels or metrics is re-asked for those only; what was
// read is kept. One Judgment per (model, metric) cell comes out.
import type { Judgment, ResponseRecord } from '../core/records.js';
import type { ListwiseRubric } from './rubrics/rubric.js';
import { shuffleLabels } from './protocol/position.js';
import { listwisePrompt, promptSha256 } from './rubrics/render.js';
import { listwiseGrammar } from './parsers/registry.js';
import { judgeHash, type Judge } from './judges.js';
import { offlineOverlap, offlineScore } from './offline.js';
import { ask, type JudgeContext } from './ask.js';
import { judgeScene, sceneFailed, type JudgeScene } from './scene.js';

type JudgeSceneManifest = JudgeScene['manifest'];
import type { PointJob } from './jobs.js';
import { paperZero, prepare, sampleView, type ScoreSettings } from './view.js';
import type { Sample } from '../core/records.js';

export interface ListwiseSettings extends ScoreSettings {
  seed: number;
  /** One model per call (multi-metric mode) rather than all models at once. */
  multiMetric: boolean;
}

/** What the judge is shown for an empty answer under the paper's conventions (EBM-RL). */
export const EMPTY_RESPONSE = '(EMPTY RESPONSE)';

export interface ListJob {
  sample: Sample;
  judge: Judge;
  round: number;
  /** The pointwise view of each (model, metric) cell this call fills. */
  cells: PointJob[];
  /** The models whose answers this call shows. */
  models: string[];
}

export async function judgeList(
  ctx: JudgeContext,
  rubric: ListwiseRubric,
  keys: string[],
  job: ListJob,
  models: string[],
  responses: Map<string, Map<string, ResponseRecord>>,
  settings: ListwiseSettings,
): Promise<Judgment[]> {
  const { sample, judge, round } = job;
  // The paper's conventions (score.zeroOnFailure) show an empty answer as
  // "(EMPTY RESPONSE)" and score it 0 (EBM-RL), or drop the sample (six-metric).
  const paper = settings.zeroOnFailure;
  const grammar = listwiseGrammar(rubric.parser);
  // Every model with an answer is shown (so the judge calibrates across all), even
  // when only some cells are still wanted.
  const answers = new Map<string, string>();
  const emptied = new Set<string>();
  for (const model of models) {
    const resp = responses.get(sample.id)?.get(model);
    const cell = { sample, model, response: resp, rubric: job.cells[0]!.rubric, judge, round };
    const p = prepare(cell, settings);
    if (resp && !resp.error && p.answer) answers.set(model, p.answer);
    else if (paper && rubric.paperFailure === 'zero' && resp && !resp.error) {
      answers.set(model, EMPTY_RESPONSE);
      emptied.add(model);
    }
  }
  const assignment = shuffleLabels(sample.id, [...answers.keys()], settings.seed);
  const keyToMetric = new Map(rubric.metrics.map((m) => [m.key, m.id]));
  const scores = new Map<string, number>(); // `${label}\0${key}` → score
  const subscores = new Map<string, Record<string, number>>(); // label → sub-scores (one-metric grammars)
  let askedOut: Awaited<ReturnType<typeof ask<true>>> | null = null;
  let framesHash: string | null = null;
  let manifest: JudgeSceneManifest = null;
  let promptHash = '';

  if (answers.size && judge.kind === 'offline') {
    for (const [model, label] of Object.entries(assignment.labels)) {
      for (const key of keys) {
        const metric = keyToMetric.get(key)!;
        scores.set(`${label}\u0000${key}`, offlineScore(metric, sample, answers.get(model)!, rubric.scale));
      }
    }
  }
  const scene = answers.size && judge.kind === 'llm' ? await judgeScene(ctx, rubric, judge, sample) : null;
  // No frames, no question: every cell of the call is a counted failure, never a score.
  const sceneFailure = scene && sceneFailed(scene) ? scene.failure : null;
  if (scene && !sceneFailed(scene) && judge.kind === 'llm') {
    framesHash = scene.framesHash;
    manifest = scene.manifest;
    const candidates = assignment.order.map((model) => ({ label: assignment.labels[model]!, answer: answers.get(model)! }));
    const rendered = listwisePrompt(rubric, sampleView(sample, scene.caption), candidates, {
      json: judge.structuredOutput,
      frameCount: scene.manifest?.frames.length ?? 0,
    });
    promptHash = promptSha256(rendered).slice(0, 16);
    const labels = candidates.map((c) => c.label);
    askedOut = await ask<true>(
      ctx,
      {
        judge,
        ...(rendered.shared ? { lead: rendered.shared } : {}),
        prompt: rendered.sample,
        sample,
        scene: scene.parts,
        key: `listwise:${judgeHash(judge).slice(0, 16)}:r${round}`,
        maxRetries: settings.maxParseRetries,
        ...(rubric.maxTokens ? { maxTokens: rubric.maxTokens } : {}),
        ...(settings.refresh ? { refresh: true } : {}),
        parse: (reply) => {
          // Scores read on earlier attempts are kept: a re-ask names only what is still missing.
          const parsed = grammar.parse(reply, labels, keys, rubric.scale);
          for (const [label, m] of Object.entries(parsed.scores)) {
            for (const [k, v] of Object.entries(m)) {
              if (scores.has(`${label}\u0000${k}`)) continue;
              scores.set(`${label}\u0000${k}`, v);
              if (parsed.subscores[label]) subscores.set(label, parsed.subscores[label]!);
            }
          }
          const missing = parsed.missing.filter((c) => !scores.has(`${c.label}\u0000${c.metric}`));
          if (!missing.length) return { ok: true, value: true };
          const list = missing.map((c) => `Model ${c.label} ${c.metric} (${c.reason})`).join(', ');
          return { ok: false, error: `missing ${list}`, retry: grammar.retry(missing) };
        },
      },
      ctx.judgeOverrides,
    );
  }
  // Drop convention: one model still missing after the re-asks drops the whole
  // sample. A judge that could not be reached or whose reply was not trusted
  // drops nothing: those cells stay failures of their own kind, to be redone.
  const dropped = paper && rubric.paperFailure === 'drop' && askedOut !== null && askedOut.value === null && paperZero(askedOut.failure?.kind ?? 'parse');

  return job.cells.map((cell, i) => {
    const p = prepare(cell, settings);
    const label = assignment.labels[cell.model];
    const key = rubric.metrics.find((m) => m.id === cell.rubric.id)!.key;
    const value = label ? scores.get(`${label}\u0000${key}`) : undefined;
    const base = {
      ...p.base,
      mode:
        judge.kind === 'offline' ? ('offline' as const) : job.models.length === 1 && settings.multiMetric ? ('multi-metric' as const) : ('listwise' as const),
      provenance: {
        ...p.base.provenance,
        templateHash: `${rubric.template.hash.slice(0, 16)}:${promptHash}`,
        framesHash,
        order: label ? `listwise:${label}` : 'listwise:-',
      },
      ...(manifest ? { frames: manifest } : {}),
      raw:
        askedOut?.raw ??
        (judge.kind === 'offline'
          ? [`offline lexical overlap ${label ? offlineOverlap(cell.rubric.id, sample, answers.get(cell.model)!).toFixed(4) : '-'}`]
          : []),
      attempts: askedOut?.attempts ?? (judge.kind === 'offline' ? 1 : 0),
      usage: askedOut?.usage ?? null,
      latencyMs: askedOut?.latencyMs ?? null,
      sent: askedOut?.sent ?? null,
      // One call fills many cells: all name it, the first alone carries its cost.
      ...(askedOut ? { callId: askedOut.spend.callId, ...(i === 0 ? { spend: askedOut.spend } : {}) } : {}),
    };
    if (sceneFailure && label) return { ...base, score: null, failure: sceneFailure };
    if (emptied.has(cell.model)) {
      return {
        ...base,
        score: 0,
        failure: { kind: 'empty-answer' as const, message: `the response has no answer; shown as ${EMPTY_RESPONSE} and scored 0 (paper convention)` },
      };
    }
    if (dropped) {
      const why = askedOut?.failure?.message ?? 'a model is still missing';
      return { ...base, score: null, failure: { kind: 'dropped' as const, message: `sample dropped after the re-asks (paper convention): ${why}` } };
    }
    const subs = label ? subscores.get(label) : undefined;
    if (value !== undefined) return { ...base, score: value, ...(subs ? { subscores: subs } : {}) };
    const failure = !label
      ? cell.response && !cell.response.error
        ? { kind: 'empty-answer' as const, message: 'the response has no answer to judge' }
        : { kind: 'missing-response' as const, message: cell.response?.error ?? `no response of ${cell.model}` }
      : (askedOut?.failure ?? { kind: 'parse' as const, message: `no ${key} score for Model ${label}` });
    return { ...base, score: paper && rubric.paperFailure === 'zero' && paperZero(failure.kind) ? 0 : null, failure };
  }) as Judgment[];
}
