// `rolejudge run`: generate → score → compare → report (→ gate) in one
// session — the config loaded once, preflight once, the split validated once
// and streamed once per stage, one report, and the gate judged from it. Each
// stage resumes from what the run directory holds, so rerunning finishes a
// killed run.
import type { StageName } from './preflight.js';
import { loadFromArgv, type Argv } from './argv.js';
import { openSession } from './session.js';
import { clusterCollector } from './clusters.js';
import { compareStep, generateStep, scoreStep } from './steps.js';
import { gateStep, reportStep } from './finish.js';
import { checkUntilDecided } from './until-decided.js';
import { BUDGET_STOP } from '../core/errors.js';
import { recordBudgetStop } from '../pipeline/run-status.js';

export async function runAll(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const { config } = loaded;
  const dry = Boolean(argv['dry-run']);
  const judging = config.judges.length > 0 && config.rubrics.length > 0;
  const comparing = judging && config.compare.candidates.length > 0 && config.compare.baselines.length > 0;
  const stages: StageName[] = [
    'generate',
    ...(judging ? (['score'] as const) : []),
    ...(comparing ? (['compare'] as const) : []),
    ...(config.gate && !dry ? (['gate'] as const) : []),
  ];
  // Refused before generating: nothing is spent on a run that cannot stop early.
  checkUntilDecided(loaded, argv as Record<string, unknown>, judging && !dry);
  // The cluster map comes from the validating pass: the report needs no extra read of the split for it.
  const clusters = clusterCollector(loaded);
  const session = await openSession(argv, stages, loaded, clusters.add);
  const step = (name: string) => process.stderr.write(`\n== ${name} ==\n`);
  let code = 0;
  // A stage that stops early (budget) ends the run: later stages would work on
  // partial data. Those it never reached are noted as not run, so the run
  // directory (and a merge of it) says how much is missing.
  const notRun = (later: Array<'score' | 'compare'>) => {
    if (code === BUDGET_STOP) for (const s of later) recordBudgetStop(session.ctx.store.dir, s, null, null);
    return code;
  };
  const later = [...(judging ? (['score'] as const) : []), ...(comparing ? (['compare'] as const) : [])];
  try {
    step('generate');
    if ((code = await generateStep(session))) return notRun(later);
    if (judging) {
      step('score');
      if ((code = await scoreStep(session))) return notRun(later.slice(1));
    }
    if (comparing) {
      step('compare');
      if ((code = await compareStep(session))) return code;
    }
  } finally {
    await session.ctx.provider.close();
    session.ctx.lock?.release();
  }
  if (dry) {
    // One figure for the whole command: what `run` without --dry-run would send first time round.
    const judge = session.ctx.dryRun?.calls ?? 0;
    const gen = session.ctx.dryRunGenerateCalls ?? 0;
    process.stdout.write(`dry run (run): ${gen + judge} calls in all (${gen} model, ${judge} judge). Nothing was spent.\n`);
    return 0;
  }
  step('report');
  const map = clusters.done();
  const { report } = await reportStep(loaded, argv, map);
  if (config.gate) {
    step('gate');
    return gateStep(loaded, argv, report, map);
  }
  return 0;
}
