// Which samples belong together. Several records of one session (or clip,
// or character) share context, so the report's intervals and the gate's rule
// treat a cluster, not a record, as the independent unit. The map is built
// from the split in one light streaming pass; only ids and cluster ids stay.
import type { LoadedConfig } from '../config/load.js';
import type { Sample } from '../core/records.js';
import { loadSamples } from '../dataset/load.js';
import { splitOptions } from '../pipeline/samples.js';

export type ClusterBy = 'session' | 'video' | 'character' | 'none';

export interface ClusterMap {
  /** What formed the clusters ('none': every sample its own). */
  by: ClusterBy;
  /** sample id → cluster id; samples without one (no session id, no video) are absent: their own cluster. */
  of: Map<string, string> | undefined;
}

export function clusterIdOf(s: Sample, by: ClusterBy): string | undefined {
  if (by === 'session') return s.sessionId;
  if (by === 'video') return s.video?.path ?? s.video?.url ?? s.video?.frames?.[0];
  if (by === 'character') return s.character?.name;
  return undefined;
}

/** 'auto' is the session when any sample of the split has a session id, else none. */
export async function clusterMap(loaded: LoadedConfig): Promise<ClusterMap> {
  const setting = loaded.config.dataset.cluster ?? 'auto';
  if (setting === 'none') return { by: 'none', of: undefined };
  const by: ClusterBy = setting === 'auto' ? 'session' : setting;
  const of = new Map<string, string>();
  for await (const s of loadSamples(splitOptions(loaded))) {
    const id = clusterIdOf(s, by);
    if (id !== undefined) of.set(s.id, id);
  }
  if (setting === 'auto' && of.size === 0) return { by: 'none', of: undefined };
  return { by, of };
}

/** Builds the map sample by sample, from a pass that already reads the split (run's validating pass). */
export function clusterCollector(loaded: LoadedConfig): { add: (s: Sample) => void; done: () => ClusterMap } {
  const setting = loaded.config.dataset.cluster ?? 'auto';
  const by: ClusterBy = setting === 'auto' || setting === 'none' ? 'session' : setting;
  const of = new Map<string, string>();
  return {
    add: (s) => {
      if (setting === 'none') return;
      const id = clusterIdOf(s, by);
      if (id !== undefined) of.set(s.id, id);
    },
    done: () => (setting === 'none' || (setting === 'auto' && of.size === 0) ? { by: 'none', of: undefined } : { by, of }),
  };
}
