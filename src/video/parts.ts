// OpenAI chat content parts for visual input, and the data: URLs they carry.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type ImageDetail = 'low' | 'high' | 'auto';

export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail: ImageDetail };
}

export interface VideoPart {
  type: 'video_url';
  video_url: { url: string };
}

/** MIME type from the image's magic bytes; null when it is not an image type APIs accept. */
export function imageMime(b: Buffer): string | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return 'image/gif';
  return null;
}

export function dataUrl(bytes: Buffer, mime: string): string {
  return `data:${mime};base64,${bytes.toString('base64')}`;
}

export function toImageParts(dataUrls: readonly string[], detail: ImageDetail = 'auto'): ImagePart[] {
  return dataUrls.map((url) => ({ type: 'image_url', image_url: { url, detail } }));
}

/**
 * A `video_url` part (vLLM's extension to the OpenAI chat format). URLs with a
 * scheme (http:, https:, file:, data:) pass through; a local path becomes a
 * file:// URL, which vLLM only reads when started with
 * --allowed-local-media-path covering it. Use inlineVideoPart for a server
 * that cannot see this machine's disk.
 */
export function videoUrlPart(urlOrPath: string): VideoPart {
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(urlOrPath) && !/^[a-z]:[\\/]/i.test(urlOrPath);
  const url = hasScheme ? urlOrPath : pathToFileURL(path.resolve(urlOrPath)).href;
  return { type: 'video_url', video_url: { url } };
}

const VIDEO_MIME: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
};

/** A `video_url` part carrying the whole clip as a base64 data: URL. */
export async function inlineVideoPart(file: string): Promise<VideoPart> {
  const mime = VIDEO_MIME[path.extname(file).toLowerCase()] ?? 'video/mp4';
  return { type: 'video_url', video_url: { url: dataUrl(await readFile(file), mime) } };
}
