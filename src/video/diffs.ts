// The frame-difference pass of the adaptive sampler's key-frame tier, on
// every core: one segment of the clip per core (segments.ts), the scores
// joined.
//
// The join is exact. ffmpeg's scene score of a frame depends on that frame,
// the one before and the one before that (the previous mean difference), so
// every segment after the first starts a margin early and its first two
// frames are dropped. Segments overlap by the margin, and over the overlap
// the two segments must report the very same frames (pts) with the very same
// scores — otherwise, or when the clip's timestamps do not start at zero, the
// single whole-clip pass answers instead. The times (and so the frames picked
// from them) are the whole pass's.
import { diffFilter, frameDifferences, run, type FrameDiffs, type ToolOptions } from './ffmpeg.js';
import { segmentBounds, segmentInput, type SegmentOptions } from './segments.js';

export interface DiffOptions extends ToolOptions, SegmentOptions {
  width?: number;
}

interface Frame {
  pts: string;
  time: string;
  score: string | undefined;
}

/** "frame:N pts:P pts_time:T" lines, each followed by its "lavfi.scene_score=S". */
function frames(printed: string): Frame[] {
  const out: Frame[] = [];
  for (const line of printed.split('\n')) {
    const f = /^frame:\d+\s+pts:(\S+)\s+pts_time:(\S+)/.exec(line);
    if (f) {
      out.push({ pts: f[1]!, time: f[2]!, score: undefined });
      continue;
    }
    const s = /^lavfi\.scene_score=(\S+)/.exec(line);
    if (s && out.length > 0) out[out.length - 1]!.score = s[1];
  }
  return out;
}

const same = (a: Frame, b: Frame): boolean => a.pts === b.pts && a.time === b.time && a.score === b.score;

/**
 * Joins segment k-1 (`prev`, complete up to the boundary) and segment k
 * (`next`, its first two frames already dropped) at `boundary` seconds; null
 * when they do not agree over their overlap or leave a gap.
 */
function join(prev: Frame[], next: Frame[], boundary: number): { head: Frame[]; rest: Frame[] } | null {
  const first = next[0];
  if (!first || Number(first.time) > boundary) return null;
  const at = prev.findIndex((f) => f.pts === first.pts);
  if (at < 0) return null;
  // Over the overlap both saw the same frames with the same history: they must say the same.
  const overlap = Math.min(prev.length - at, next.length);
  for (let j = 0; j < overlap; j++) if (!same(prev[at + j]!, next[j]!)) return null;
  // And prev must reach the boundary, so nothing before it is missing.
  if (Number(prev[prev.length - 1]!.time) < boundary) return null;
  return { head: prev.slice(0, at), rest: next };
}

/**
 * Scene score and time of every frame of a clip of `duration` seconds: the
 * same as frameDifferences' one pass, from one segment per core.
 */
export async function clipDifferences(path: string, duration: number, opts: DiffOptions = {}): Promise<FrameDiffs> {
  const bounds = segmentBounds(duration, opts);
  if (!bounds) return frameDifferences(path, opts);
  const segments = bounds.length - 1;
  const bin = opts.ffmpeg ?? 'ffmpeg';
  const vf = diffFilter(opts.width);
  const runs = bounds.slice(0, -1).map((_, k) => {
    const args = ['-v', 'error', '-nostdin', ...segmentInput(bounds, k), '-i', path, '-an', '-sn', '-vf', vf, '-f', 'null', '-'];
    return run(bin, args, opts, `measuring frame differences in ${path} (part ${k + 1} of ${segments})`);
  });
  const parts = (await Promise.all(runs)).map((r) => frames(r.stdout.toString('utf8')));
  // Timestamps that do not start at zero: the segments' times could not be checked against the whole pass's.
  if (parts[0]![0]?.time !== '0') return frameDifferences(path, opts);
  let joined = parts[0]!;
  for (let k = 1; k < segments; k++) {
    const j = join(joined, parts[k]!.slice(2), bounds[k]!);
    if (!j) return frameDifferences(path, opts);
    joined = [...j.head, ...j.rest];
  }
  if (joined.some((f) => f.score === undefined)) return frameDifferences(path, opts);
  return { scores: joined.map((f) => Number(f.score)), times: joined.map((f) => Number(f.time)) };
}
