// Media paths in a dataset are resolved against the dataset folder and must stay
// inside it: a split is untrusted input, and frames are read and uploaded to
// remote APIs, so "../../home/me/.ssh/id_rsa" or "/etc/passwd" must never pass.
// The check is lexical (path.resolve); symlinks inside the folder are trusted.

import path from 'node:path';
import type { Origin, VideoRef } from '../core/records.js';
import { fail } from './fields.js';

const HTTP_URL = /^https?:\/\/[^\s]+$/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isHttpUrl(s: string): boolean {
  return HTTP_URL.test(s);
}

/** Absolute path of `p` inside `root`, or a DatasetError naming the field. */
export function resolveInRoot(at: Origin, field: string, p: string, root: string): string {
  if (p.includes('\0')) fail(at, field, 'a path without NUL characters', p);
  if (ANY_SCHEME.test(p)) fail(at, field, 'a path inside the dataset folder or an http(s) URL', p);
  const base = path.resolve(root);
  const abs = path.resolve(base, p);
  const rel = path.relative(base, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    fail(at, field, `a path inside the dataset folder ${base}`, p);
  }
  return abs;
}

/** A clip reference that is either an http(s) URL or a path under root. */
export function clipRef(at: Origin, field: string, p: string, root: string): VideoRef {
  return isHttpUrl(p) ? { url: p } : { path: resolveInRoot(at, field, p, root) };
}

/** Resolves every local path of a VideoRef; URLs pass through. */
export function resolveVideo(at: Origin, field: string, video: VideoRef, root: string): VideoRef {
  const out: VideoRef = {};
  if (video.path !== undefined) out.path = resolveInRoot(at, `${field}.path`, video.path, root);
  if (video.frames !== undefined) {
    out.frames = video.frames.map((f, i) => resolveInRoot(at, `${field}.frames[${i}]`, f, root));
  }
  if (video.url !== undefined) {
    if (!isHttpUrl(video.url)) fail(at, `${field}.url`, 'an http(s) URL', video.url);
    out.url = video.url;
  }
  if (video.duration !== undefined) out.duration = video.duration;
  return out;
}
