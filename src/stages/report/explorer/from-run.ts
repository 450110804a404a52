// The explorer's data for a configured run: the run's records plus the split's
// samples (caption, profiles, history). A split that has moved or no longer
// reads cleanly does not stop the report — its figures come from the run
// alone — but the page says plainly what it could not show.
import { access } from 'node:fs/promises';
import type { LoadedConfig } from '../../../config/load.js';
import type { Sample } from '../../../core/records.js';
import type { ReportLayout } from '../../../core/report.js';
import { loadSamples } from '../../../dataset/load.js';
import { splitOptions } from '../../../pipeline/samples.js';
import { RunStore } from '../../../store/run.js';
import { buildExplorer } from './build.js';
import type { ExplorerData } from './data.js';
import type { ExplorerFold } from './columns.js';

export async function explorerForRun(loaded: LoadedConfig, runDir: string, report: ReportLayout, fold?: ExplorerFold): Promise<ExplorerData> {
  const options = splitOptions(loaded);
  const notes: string[] = [];
  let samples: AsyncIterable<Sample> | undefined;
  try {
    await access(options.path);
    samples = tolerant(loadSamples(options), options.path, notes);
  } catch {
    notes.push(`The split ${options.path} could not be read when the report was written: scene, profiles and history are not shown.`);
  }
  const cfg = loaded.config.report;
  const data = await buildExplorer(new RunStore(runDir), report, {
    detailLimit: cfg.explorerDetail,
    frames: cfg.frames,
    ...(fold ? { fold } : {}),
    ...(samples ? { samples } : { samplesNote: notes[0] }),
  });
  if (samples) data.notes.push(...notes);
  return data;
}

/** Streams samples until the split fails to read, then notes why and stops. */
async function* tolerant(stream: AsyncIterable<Sample>, file: string, notes: string[]): AsyncGenerator<Sample> {
  try {
    for await (const s of stream) yield s;
  } catch (err) {
    notes.push(`The split ${file} stopped reading (${(err as Error).message}): some samples show no scene, profiles or history.`);
  }
}
