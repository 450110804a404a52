// The agreement step (`rolejudge agreement --human <csv>`): how well the run's judges agree with
// human scores, per metric, for the ensemble and for each judge.
import { join, resolve } from 'node:path';
import { computeAgreement, humanMeans } from '../stages/agreement/compute.js';
import { readHumanCsv } from '../stages/agreement/human.js';
import { collectJudgeScores } from '../stages/agreement/judge-scores.js';
import { agreementTable, renderAgreementCsv, renderAgreementJson } from '../stages/agreement/render.js';
import { loadRubric } from '../judge/rubrics/rubric.js';
import { writeFileAtomic } from '../store/jsonl.js';
import { RunStore } from '../store/run.js';
import { UsageError } from '../core/errors.js';
import { loadFromArgv, type Argv } from '../run/argv.js';
import { settleRedos } from '../store/settle.js';

/** Humans write "VEG" or "veg": map ids and abbreviations of the config's rubrics to ids. */
function metricAliases(rubricsDir: string, ids: string[]): Map<string, string> {
  const alias = new Map<string, string>();
  for (const id of ids) {
    alias.set(id.toLowerCase(), id);
    try {
      alias.set(loadRubric(rubricsDir, id).abbr.toLowerCase(), id);
    } catch {
      // A missing rubric file only costs the abbreviation alias.
    }
  }
  return alias;
}

export async function agreementStep(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const { config } = loaded;
  const runDir = typeof argv['run-dir'] === 'string' ? resolve(argv['run-dir']) : join(config.run.outputDir, config.run.id);
  const store = new RunStore(runDir);
  const manifest = store.readManifest();
  if (!manifest) throw new UsageError(`agreement: no run at ${runDir} (run.json missing): run generate and score first`);
  await settleRedos(runDir);
  const humanFile = String(argv.human);
  const human = readHumanCsv(humanFile);
  const alias = metricAliases(config.rubricsDir, config.rubrics);
  const ratings = human.ratings.map((r) => ({ ...r, metric: alias.get(r.metric.toLowerCase()) ?? r.metric }));
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
