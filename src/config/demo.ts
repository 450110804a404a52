// The demo's config: the bundled sample split, the recorded outputs of a plain
// and an EBM-RL system, every shipped rubric, judged by the offline reference
// judge — the whole pipeline with no network and no key.
import { join, resolve } from 'node:path';
import { SAMPLE_DATA } from '../core/paths.js';

export const EBM_METRICS = ['veg', 'spc', 'cn'];
export const V2R_METRICS = [
  'character-consistency',
  'knowledge-hallucination',
  'instruction-adherence',
  'utterance-fluency',
  'human-likeness',
  'response-accuracy',
  'tone-consistency',
  'video-text-relevance',
];

export function demoConfig(cwd: string): Record<string, unknown> {
  return {
    run: { id: 'demo', outputDir: resolve(cwd, 'runs'), reportsDir: resolve(cwd, 'reports') },
    dataset: { path: join(SAMPLE_DATA, 'split.jsonl'), format: 'rolejudge' },
    models: [
      { name: 'plain-vlm', kind: 'plain', outputs: join(SAMPLE_DATA, 'outputs', 'plain.jsonl') },
      { name: 'ebm-rl', kind: 'ebm', outputs: join(SAMPLE_DATA, 'outputs', 'ebm.jsonl') },
    ],
    judges: ['offline'],
    rubrics: [...EBM_METRICS, ...V2R_METRICS],
    compare: { candidates: ['ebm-rl'], baselines: ['plain-vlm'], combine: 'ebm', metrics: EBM_METRICS },
    provider: { cacheDir: resolve(cwd, '.rolejudge-cache') },
    framesCacheDir: resolve(cwd, '.rolejudge-cache', 'frames'),
  };
}
