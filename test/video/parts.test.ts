import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataUrl, imageMime, inlineVideoPart, toImageParts, videoUrlPart } from '../../src/video/parts.js';
import { png, tempDir } from './helpers.js';

describe('content parts', () => {
  it('builds image_url parts with the requested detail', () => {
    const parts = toImageParts(['data:image/jpeg;base64,AA==', 'data:image/png;base64,AQ=='], 'low');
    expect(parts).toEqual([
      { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AA==', detail: 'low' } },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AQ==', detail: 'low' } },
    ]);
    expect(toImageParts(['x'])[0]!.image_url.detail).toBe('auto');
  });

  it('passes URLs through and turns local paths into file:// URLs', () => {
    expect(videoUrlPart('https://example.com/a.mp4')).toEqual({ type: 'video_url', video_url: { url: 'https://example.com/a.mp4' } });
    expect(videoUrlPart('/data/my clip.mp4').video_url.url).toBe('file:///data/my%20clip.mp4');
    expect(videoUrlPart('rel/a.mp4').video_url.url).toBe(`file://${path.resolve('rel/a.mp4')}`);
  });

  it('inlines a clip as a data: URL', async () => {
    const f = path.join(tempDir(), 'x.webm');
    writeFileSync(f, Buffer.from([1, 2, 3]));
    expect((await inlineVideoPart(f)).video_url.url).toBe('data:video/webm;base64,AQID');
  });

  it('sniffs image types from bytes', () => {
    expect(imageMime(png(1, 1, [0, 0, 0]))).toBe('image/png');
    expect(imageMime(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(imageMime(Buffer.from('GIF89a......'))).toBe('image/gif');
    expect(imageMime(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(imageMime(Buffer.from('hello world'))).toBeNull();
    expect(dataUrl(Buffer.from('hi'), 'text/plain')).toBe('data:text/plain;base64,aGk=');
  });
});
