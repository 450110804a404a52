// The agreement step (`rolejudge agreement --human <csv>`): how well the run's judges agree with
// human scores, per metric, for the ensemble and for each judge.
import { join, resolve } from 'node:path';
import { computeAgreement, humanMeans } from '../stages/agreement/compute.js';
import { readHumanCsv } from '../stages/agreement/human.js';
import { collectJudgeScores } from '../stages/agreement/judge-scores.js';
import { agreementTable, renderAgreementCsv, renderAgreementJson } from '../stages/agreement/render.js';
import { knownNames } from '../pipeline/known-names.js';
import { unitKey } from '../stages/agreement/judge-scores.js';
import { writeFileAtomic } from '../store/jsonl.js';
import { RunStore } from '../store/run.js';
import { UsageError } from '../core/errors.js';
import { loadFromArgv, type Argv } from '../run/argv.js';
import { settleRedos } from '../store/settle.js';

/** Human-rated units the run has no judge score for, named by line; past this many, counted. */
const MAX_UNMATCHED_LINES = 10;

export async function agreementStep(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const { config } = loaded;
  const runDir = typeof argv['run-dir'] === 'string' ? resolve(argv['run-dir']) : join(config.run.outputDir, config.run.id);
  const store = new RunStore(runDir);
  const manifest = store.readManifest();
  if (!manifest) throw new UsageError(`agreement: no run at ${runDir} (run.json missing): run generate and score first`);
  // The whole file is checked against the config (metrics, models, each rubric's scale) before the run is touched.
  const humanFile = String(argv.human);
  const known = knownNames(
    config.rubricsDir,
    config.rubrics,
    config.models.map((m) => m.name),
  );
  const human = readHumanCsv(humanFile, known);
  const ratings = human.ratings;
  await settleRedos(runDir);
  if (!ratings.length) throw new UsageError(`agreement: ${humanFile} holds no scores`);

  const cell = (model: string, metric: string) => `${model}\u0000${metric}`;
  const cells = new Set(ratings.map((r) => cell(r.model, r.metric)));
  const judged = await collectJudgeScores(store, (model, metric) => cells.has(cell(model, metric)));
  const result = computeAgreement(humanMeans(ratings), judged, config.rubrics);
  if (result.rows.every((r) => r.n === 0)) {
    const ex = ratings[0]!;
    throw new UsageError(
      `agreement: no human score in ${humanFile} matches a judge score of run ${manifest.runId} ` +
        `(e.g. line ${ex.line}: sample "${ex.sampleId}", model "${ex.model}", metric "${ex.metric}"); check ids, model names and metrics`,
    );
  }
  // A sample outside the split (or not judged in this run) is a gap, not a typo the config can catch: warned, by line.
  const unmatched = ratings.filter((r) => !judged.ensemble.get(r.metric)?.has(unitKey(r.sampleId, r.model)));
  for (const r of unmatched.slice(0, MAX_UNMATCHED_LINES)) {
    process.stderr.write(
      `warning: ${humanFile}:${r.line}: sample "${r.sampleId}", model "${r.model}", metric "${r.metric}" has no judge score in run ${manifest.runId} (not in the split, or not judged); left out\n`,
    );
  }
  if (unmatched.length > MAX_UNMATCHED_LINES)
    process.stderr.write(`warning: … and ${unmatched.length - MAX_UNMATCHED_LINES} more rows without a judge score\n`);
  for (const [metric, n] of Object.entries(result.unmatched)) {
    if (n) process.stderr.write(`warning: ${metric}: ${n} of ${result.rated[metric]} human-rated (sample, model) pairs have no judge score in the run\n`);
  }
  if (human.blank) process.stderr.write(`warning: ${human.blank} rows with an empty score were skipped\n`);

  const dir = join(config.run.reportsDir, manifest.runId);
  const meta = { runId: manifest.runId, human: humanFile, ratings: ratings.length, blank: human.blank };
  writeFileAtomic(join(dir, 'agreement.csv'), renderAgreementCsv(result));
  writeFileAtomic(join(dir, 'agreement.json'), renderAgreementJson(result, meta));
  if (!argv.quiet) process.stdout.write(agreementTable(result));
  process.stderr.write(`agreement written to ${dir}: agreement.csv, agreement.json\n`);
  return 0;
}
