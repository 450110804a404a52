// `rolejudge calibrate --human h.csv`: the judge's means corrected by human
// labels (prediction-powered inference), beside the uncorrected ones. Reads a
// finished run and the labels; calls no model. The result is printed and
// written as calibration.json in the run's report folder, with the judge and
// rubric hashes it holds for.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { InputError, UnfitRunError, UsageError } from '../core/errors.js';
import { fmtScore, fmtSigned } from '../core/format.js';
import { textTable } from '../core/table.js';
import { calibrateMeans, parseHumanCsv, pinWarnings, type CalibratedMean } from '../stages/report/calibration.js';
import { collect, splitKey } from '../stages/report/collect.js';
import { writeFileAtomic } from '../store/jsonl.js';
import { RunStore } from '../store/run.js';
import type { Argv } from './argv.js';
import { runDirOf } from './finish.js';

function readLabels(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`--human ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

export function calibrationTable(rows: readonly CalibratedMean[]): string {
  return textTable(
    ['Model', 'Metric', 'Judge mean (n)', 'Corrected (PPI)', '95% CI', 'Correction', 'Labelled'],
    rows.map((r) => [
      r.model,
      r.metric,
      r.judgeSamples ? `${fmtScore(r.judgeMean)} (${r.judgeSamples})` : 'no judge scores',
      r.ppi ? fmtScore(r.ppi.estimate) : 'too few labels',
      r.ppi ? `${fmtScore(r.ppi.ci[0])}, ${fmtScore(r.ppi.ci[1])}` : '–',
      r.ppi?.correction != null ? fmtSigned(r.ppi.correction, 2) : '–',
      `${r.labelled}` + (r.unmatched ? ` (+${r.unmatched} without a judge score)` : ''),
    ]),
  );
}

export async function calibrateStep(loaded: LoadedConfig, argv: Argv): Promise<number> {
  const human = typeof argv.human === 'string' && argv.human.trim() ? resolve(argv.human) : null;
  if (!human) throw new UsageError('calibrate: --human <labels.csv> is required (columns sample_id, model, metric, score; optional judge_hash, rubric_hash)');
  // The labels are checked before the run is read: a bad file fails fast, nothing written.
  const labels = parseHumanCsv(readLabels(human), human);
  const runDir = runDirOf(loaded, argv);
  const store = new RunStore(runDir);
  const manifest = store.readManifest();
  if (!manifest) throw new UnfitRunError(`no run at ${runDir} (run.json missing): nothing to calibrate`);
  const c = await collect(store);
  const judge = new Map<string, Map<string, Map<string, number>>>();
  for (const [k, cell] of c.scores) {
    const [model, metric] = splitKey(k) as [string, string];
    if (!judge.has(model)) judge.set(model, new Map());
    judge.get(model)!.set(metric, cell.acc.perSample());
  }
  const metrics = new Set(labels.map((l) => l.metric));
  const hashes = { judge: new Set<string>(), rubric: new Set<string>() };
  for await (const j of store.judgments()) {
    if (!metrics.has(j.metric)) continue;
    hashes.judge.add(j.provenance.judgeHash);
    hashes.rubric.add(j.provenance.templateHash);
  }
  const rows = calibrateMeans(judge, labels);
  for (const w of pinWarnings(labels, hashes)) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(`Calibration of ${manifest.runId} with ${labels.length} human labels from ${human}\n\n${calibrationTable(rows)}\n\n`);
  process.stdout.write(
    'Corrected = judge mean on the unlabelled samples + mean(human − judge) on the labelled ones; 95% normal interval (prediction-powered inference). The labelled samples must be a random subset.\n',
  );
  const out = join(loaded.config.run.reportsDir, manifest.runId, 'calibration.json');
  const body = {
    runId: manifest.runId,
    labels: human,
    judgeHashes: [...hashes.judge].sort(),
    rubricHashes: [...hashes.rubric].sort(),
    means: rows.map((r) => ({ ...r, judgeMean: r.judgeSamples ? r.judgeMean : null })),
  };
  writeFileAtomic(out, `${JSON.stringify(body, null, 2)}\n`);
  process.stderr.write(`calibration written to ${out}\n`);
  return 0;
}
