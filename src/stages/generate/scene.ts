import type { ModelConfig } from '../../config/schema.js';
import type { FrameManifest, Sample } from '../../core/records.js';
import type { ContentPart } from './prompt.js';
import { getFrames, inlineVideoPart, toImageParts, videoUrlPart } from '../../video/frames.js';
import type { StageContext } from '../../pipeline/context.js';

export interface Scene {
  parts: ContentPart[];
  manifest: FrameManifest | null;
}

export function datasetRoot(ctx: StageContext): string {
  return ctx.frames.datasetRoot;
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
  const set = await getFrames(
    video,
    { kind: 'adaptive', cap: model.maxFrames },
    {
      cacheDir: ctx.loaded.config.framesCacheDir,
      datasetRoot: datasetRoot(ctx),
      maxFrames: model.maxFrames,
      ...(model.frameLongSide ? { longSide: model.frameLongSide } : {}),
      format: 'jpeg',
    },
  );
  return { parts: toImageParts(set.dataUrls, 'auto'), manifest: set.manifest };
}
