// The view of a sample and an answer that a judge gets: the answer text as the
// protocol extracts it (with self-identification masked), its hash, and the
// sample with the caption hidden unless the judge may read it. Shared by
// pointwise, listwise and pairwise judging, so all three see the same text.
import type { FailureKind, Judgment, Sample } from '../core/records.js';
import { sha256 } from '../core/hash.js';
import { ebmRlAnswer, judgeableAnswer } from './protocol/answer.js';
import { judgeHash } from './judges.js';
import { detectSelfId, maskSelfId } from './protocol/self-id.js';
import type { PointJob } from './jobs.js';

export interface ScoreSettings {
  includePerception: boolean;
  maskSelfId: boolean;
  zeroOnFailure: boolean;
  maxParseRetries: number;
  /** Redoing a failure: read no cached reply (it may be what failed); the new trustworthy one is still cached. */
  refresh?: boolean;
  /** `ebm-rl`: judge the text EBM-RL's released rule extracts from the raw output. */
  answerExtraction?: 'rolejudge' | 'ebm-rl';
}

/**
 * The failures EBM-RL's convention (score.zeroOnFailure) scores 0: an empty
 * answer, and a label the judge's replies still lacked after the re-asks.
 * Nothing else is a zero: a judge that could not be reached, a reply cut off,
 * refused or filtered, or a response that does not exist says nothing about
 * the answer, so it stays a failure without a score, counted.
 */
export const paperZero = (kind: FailureKind): boolean => kind === 'empty-answer' || kind === 'parse';

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
  const variant = `${settings.includePerception}|${settings.maskSelfId}|${settings.answerExtraction ?? 'rolejudge'}`;
  const known = response ? answers.get(response) : undefined;
  if (known && known.variant === variant) return known.value;
  const raw = !response
    ? ''
    : settings.answerExtraction === 'ebm-rl'
      ? ebmRlAnswer(response.raw)
      : judgeableAnswer(response, { includePerception: settings.includePerception });
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
