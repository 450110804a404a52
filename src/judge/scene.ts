// What a judge sees of the scene for one metric: the rubric fixes how many
// frames and at what size (EBM-RL: 8 uniform frames, 512 px, low detail for
// VEG and SPC; text only for CN); the judge says whether it sees frames at all.
import type { JudgeContext } from './ask.js';
import type { Judge } from './judges.js';
import type { Rubric } from './rubrics/rubric.js';
import type { ContentPart } from '../provider/types.js';
import type { FrameManifest, Sample } from '../core/records.js';
import { framesHash, getFrames, toImageParts } from '../video/frames.js';

export interface JudgeScene {
  parts: ContentPart[];
  manifest: FrameManifest | null;
  framesHash: string | null;
  /** Whether the template gets the caption. */
  caption: boolean;
}

export async function judgeScene(ctx: Pick<JudgeContext, 'frames'>, rubric: Pick<Rubric, 'scene' | 'inputs'>, judge: Judge, s: Sample): Promise<JudgeScene> {
  const caption = judge.sees === 'caption' || rubric.inputs.includes('caption');
  if (judge.sees !== 'frames' || rubric.scene.frames === 0 || !s.video || (!s.video.path && !s.video.frames?.length)) {
    return { parts: [], manifest: null, framesHash: null, caption };
  }
  const set = await getFrames(
    s.video,
    rubric.scene.index === 'start' ? { kind: 'uniform', n: rubric.scene.frames, at: 'start' } : { kind: 'uniform', n: rubric.scene.frames },
    {
      cacheDir: ctx.frames.cacheDir,
      datasetRoot: ctx.frames.datasetRoot,
      maxFrames: rubric.scene.frames,
      longSide: rubric.scene.longSide,
      format: rubric.scene.format,
      ...(rubric.scene.resize === 'exact' ? { resize: 'exact' as const } : {}),
    },
  );
  return {
    parts: toImageParts(set.dataUrls, rubric.scene.detail),
    manifest: set.manifest,
    framesHash: framesHash(set.manifest),
    caption,
  };
}
