// What a judge sees of the scene for one metric: the rubric fixes how many
// frames and at what size (EBM-RL: 8 uniform frames, 512 px, low detail for
// VEG and SPC; text only for CN); the judge says whether it sees frames at all.
// A clip that cannot be framed (it changed after the preflight probed it) is one
// sample's failure, named by sample id and file: the judge is not asked (nothing
// is spent, no score is made up) and the stage goes on with the other samples.
import type { JudgeContext } from './ask.js';
import type { Judge } from './judges.js';
import type { Rubric } from './rubrics/rubric.js';
import type { ContentPart } from '../provider/types.js';
import { DiskError } from '../core/errors.js';
import type { Failure, FrameManifest, Sample, VideoRef } from '../core/records.js';
import { framesHash, getFrames, toImageParts, type FrameOptions } from '../video/frames.js';
import type { SamplingPolicy } from '../video/sampler.js';

export interface JudgeScene {
  parts: ContentPart[];
  manifest: FrameManifest | null;
  framesHash: string | null;
  /** Whether the template gets the caption. */
  caption: boolean;
}

/** The scene could not be made: the judgment is this failure (kind "error": the judge was never asked). */
export interface SceneFailed {
  failure: Failure;
}

export const sceneFailed = (scene: JudgeScene | SceneFailed): scene is SceneFailed => 'failure' in scene;

/** What a frames error says, with the sample and the file a user has to fix (shared with generate's frames mode). */
export function mediaErrorMessage(s: Pick<Sample, 'id'>, video: VideoRef, err: unknown): string {
  const file = video.frames?.length ? `video.frames of ${video.frames.length} images` : `video.path ${video.path ?? video.url ?? '?'}`;
  return `sample ${s.id}: cannot make frames from ${file}: ${err instanceof Error ? err.message : String(err)}`;
}

/** The frames a judge asks for on a rubric: the policy and options getFrames is called with (the preflight's cache check builds the same). */
export function judgeFramesRequest(
  rubric: Pick<Rubric, 'scene'>,
  where: Pick<FrameOptions, 'cacheDir' | 'datasetRoot'>,
): { policy: SamplingPolicy & { kind: 'uniform' }; options: FrameOptions } {
  const n = rubric.scene.frames;
  return {
    policy: rubric.scene.index === 'start' ? { kind: 'uniform', n, at: 'start' } : { kind: 'uniform', n },
    options: {
      cacheDir: where.cacheDir,
      datasetRoot: where.datasetRoot,
      maxFrames: n,
      longSide: rubric.scene.longSide,
      format: rubric.scene.format,
      ...(rubric.scene.resize === 'exact' ? { resize: 'exact' as const } : {}),
    },
  };
}

export async function judgeScene(
  ctx: Pick<JudgeContext, 'frames'>,
  rubric: Pick<Rubric, 'scene' | 'inputs'>,
  judge: Judge,
  s: Sample,
): Promise<JudgeScene | SceneFailed> {
  const caption = judge.sees === 'caption' || rubric.inputs.includes('caption');
  if (judge.sees !== 'frames' || rubric.scene.frames === 0 || !s.video || (!s.video.path && !s.video.frames?.length)) {
    return { parts: [], manifest: null, framesHash: null, caption };
  }
  const video = s.video;
  const req = judgeFramesRequest(rubric, ctx.frames);
  const set = await getFrames(video, req.policy, req.options).catch((err: unknown) => {
    // A full disk (the frames cache) stops the stage; a bad clip is this sample's failure.
    if (err instanceof DiskError) throw err;
    return { failure: { kind: 'error' as const, message: mediaErrorMessage(s, video, err) } };
  });
  if ('failure' in set) return set;
  return {
    parts: toImageParts(set.dataUrls, rubric.scene.detail),
    manifest: set.manifest,
    framesHash: framesHash(set.manifest),
    caption,
  };
}
