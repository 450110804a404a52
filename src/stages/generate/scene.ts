import type { ModelConfig } from '../../config/schema.js';
import type { FrameManifest, Sample } from '../../core/records.js';
import type { ContentPart } from './prompt.js';
import { getFrames, inlineVideoPart, toImageParts, videoUrlPart, type FrameOptions } from '../../video/frames.js';
import type { SamplingPolicy } from '../../video/sampler.js';
import type { StageContext } from '../../pipeline/context.js';
import { DiskError } from '../../core/errors.js';
import { mediaErrorMessage } from '../../judge/scene.js';

export interface Scene {
  parts: ContentPart[];
  manifest: FrameManifest | null;
}

export function datasetRoot(ctx: StageContext): string {
  return ctx.frames.datasetRoot;
}

/** The frames a model in frames mode is sent: the policy and options getFrames is called with (the preflight's cache check builds the same). */
export function modelFramesRequest(
  model: Pick<ModelConfig, 'maxFrames' | 'frameLongSide'>,
  where: Pick<FrameOptions, 'cacheDir' | 'datasetRoot'>,
): { policy: SamplingPolicy & { kind: 'adaptive' }; options: FrameOptions } {
  return {
    policy: { kind: 'adaptive', cap: model.maxFrames },
    options: {
      cacheDir: where.cacheDir,
      datasetRoot: where.datasetRoot,
      maxFrames: model.maxFrames,
      ...(model.frameLongSide ? { longSide: model.frameLongSide } : {}),
      format: 'jpeg',
    },
  };
}

export async function sceneFor(ctx: StageContext, model: ModelConfig, s: Sample): Promise<Scene> {
  const video = s.video;
  if (!video || model.video === 'none' || model.video === 'caption') return { parts: [], manifest: null };
  if (model.video === 'video_url') {
    const src = video.url ?? video.path;
    if (!src) throw new Error(`sample ${s.id}: video_url mode needs a clip path or URL, the sample has only frames`);
    const part = video.path && model.videoInline ? await inlineVideoPart(video.path) : videoUrlPart(src);
    return { parts: [part], manifest: null };
  }
  const req = modelFramesRequest(model, { cacheDir: ctx.loaded.config.framesCacheDir, datasetRoot: datasetRoot(ctx) });
  const set = await getFrames(video, req.policy, req.options).catch((err: unknown) => {
    // This response's error (recorded, counted), naming the sample and file as the judges' does.
    if (err instanceof DiskError) throw err;
    throw new Error(mediaErrorMessage(s, video, err));
  });
  return { parts: toImageParts(set.dataUrls, 'auto'), manifest: set.manifest };
}
