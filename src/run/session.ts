// One session per command: the config loaded once, preflight once (nothing is
// spent or written before it passes), then the context every stage shares.
import type { LoadedConfig } from '../config/load.js';
import type { ModelConfig } from '../config/schema.js';
import type { Sample } from '../core/records.js';
import type { Selection } from '../dataset/selection.js';
import type { JudgingPlan } from '../pipeline/plan.js';
import type { Split } from '../pipeline/samples.js';
import { openContext, type StageContext } from '../pipeline/context.js';
import { recordMediaDrops } from '../pipeline/media.js';
import { recordSelected } from '../pipeline/run-status.js';
import { contextOptions, list, loadFromArgv, selectionFrom, selectModels, type Argv } from './argv.js';
import { preflight, type StageName } from './preflight.js';

export interface Session {
  argv: Argv;
  loaded: LoadedConfig;
  selection: Selection;
  models: ModelConfig[];
  split: Split;
  pointwise: JudgingPlan | null;
  pairwise: JudgingPlan | null;
  pairs: { candidates: string[]; baselines: string[] };
  ctx: StageContext;
}

export function comparePairs(loaded: LoadedConfig, argv: Argv): Session['pairs'] {
  const only = list(argv.models);
  const pick = (names: string[]) => (only ? names.filter((n) => only.includes(n)) : names);
  return { candidates: pick(loaded.config.compare.candidates), baselines: pick(loaded.config.compare.baselines) };
}

function printWarnings(split: Split): void {
  const w = split.warnings;
  for (const x of w.slice(0, 5)) process.stderr.write(`warning: ${x.file}:${x.line}: ${x.message}\n`);
  if (w.length > 5) process.stderr.write(`warning: … and ${w.length - 5} more dataset warnings\n`);
}

export async function openSession(
  argv: Argv,
  stages: StageName[],
  loaded: LoadedConfig = loadFromArgv(argv),
  onSelected?: (s: Sample) => void,
): Promise<Session> {
  const selection = selectionFrom(argv);
  const models = selectModels(loaded, argv);
  const pairs = comparePairs(loaded, argv);
  const metrics = list(argv.metrics);
  const judges = list(argv.judges);
  const checked = await preflight(loaded, {
    stages,
    selection,
    models,
    pairs,
    ...(metrics ? { metrics } : {}),
    ...(judges ? { judges } : {}),
    ...(argv.rounds !== undefined ? { rounds: Number(argv.rounds) } : {}),
    warn: (msg) => process.stderr.write(`warning: ${msg}\n`),
    ...(onSelected ? { onSelected } : {}),
  });
  printWarnings(checked.split);
  const ctx = openContext(loaded, contextOptions(argv));
  // Dropped samples are listed where the run is (a dry run writes nothing).
  // The selection's size goes with them: `merge` checks the shards' drops together against dataset.maxMissingMedia.
  if (!ctx.dryRun) {
    recordMediaDrops(ctx.store.dir, checked.drops);
    recordSelected(ctx.store.dir, checked.split.ids.length + checked.drops.length);
  }
  return { argv, loaded, selection, models, split: checked.split, pointwise: checked.pointwise, pairwise: checked.pairwise, pairs, ctx };
}

/** Opens a session, runs `body`, and always releases the provider. */
export async function withSession(argv: Argv, stages: StageName[], body: (s: Session) => Promise<number>): Promise<number> {
  const s = await openSession(argv, stages);
  try {
    return await body(s);
  } finally {
    await s.ctx.provider.close();
    s.ctx.lock?.release();
  }
}
