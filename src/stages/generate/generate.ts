// The generate stage: every configured model answers every selected sample.
// One record per (sample, model), appended as soon as it exists, so a killed
// run resumes where it stopped.
import type { ModelConfig } from '../../config/schema.js';
import type { ResponseRecord, Sample } from '../../core/records.js';
import { responseKey } from '../../store/run.js';
import { rewriteJsonl } from '../../store/jsonl.js';
import { runPool } from '../../core/pool.js';
import { DiskError, UnfitRunError } from '../../core/errors.js';
import { Progress } from '../../core/progress.js';
import { buildMessages } from './prompt.js';
import { parseEbmOutput, parsePlainOutput } from './ebm.js';
import { sceneFor } from './scene.js';
import { readOutputsMap } from './outputs.js';
import type { StageContext } from '../../pipeline/context.js';
import { isBudgetError, providerErrorMessage } from '../../provider/index.js';

export interface GenerateSummary {
  model: string;
  total: number;
  skipped: number;
  written: number;
  errors: number;
  missing: string[];
  stoppedByBudget: boolean;
}

export function toRecord(
  model: ModelConfig,
  sampleId: string,
  raw: string,
  extra: Pick<ResponseRecord, 'usage' | 'latencyMs' | 'requestHash' | 'frames' | 'via'> & { error?: string },
): ResponseRecord {
  const parsed = model.kind === 'ebm' ? parseEbmOutput(raw) : parsePlainOutput(raw);
  return {
    type: 'response',
    sampleId,
    model: model.name,
    kind: model.kind,
    raw,
    answer: parsed.answer,
    ...(model.kind === 'ebm' ? { sections: parsed.sections } : {}),
    format: parsed.format,
    ...extra,
  };
}

export async function generate(ctx: StageContext, samples: Sample[], models: ModelConfig[]): Promise<GenerateSummary[]> {
  const out: GenerateSummary[] = [];
  for (const model of models) out.push(await generateModel(ctx, samples, model));
  return out;
}

async function generateModel(ctx: StageContext, samples: Sample[], model: ModelConfig): Promise<GenerateSummary> {
  const file = ctx.store.responsesFile(model.name);
  // Records that failed (network errors) are dropped before resuming so the
  // retry replaces them instead of adding a second record for the key.
  const recording = !ctx.dryRun && !ctx.collect;
  const failed = await ctx.store.doneKeys<ResponseRecord>(file, responseKey, (r) => Boolean(r.error) && r.via !== 'file');
  if (failed.size && recording) await rewriteJsonl<ResponseRecord>(file, (r) => (failed.has(responseKey(r)) ? null : r));
  const done = await ctx.store.doneKeys<ResponseRecord>(file, responseKey, (r) => !failed.has(responseKey(r)));
  const todo = samples.filter((s) => !done.has(responseKey({ sampleId: s.id, model: model.name })));
  const summary: GenerateSummary = {
    model: model.name,
    total: samples.length,
    skipped: samples.length - todo.length,
    written: 0,
    errors: 0,
    missing: [],
    stoppedByBudget: false,
  };
  if (!todo.length) return summary;
  // Outputs files cost nothing; in a dry run or batch collection they wait for the real pass.
  if (model.outputs && !recording) return summary;
  const writer = recording ? ctx.store.writer(file) : null;
  const progress = new Progress({ label: `generate ${model.name}`, total: todo.length, quiet: ctx.quiet });
  try {
    if (model.outputs) {
      const outputs = await readOutputsMap(model.outputs);
      for (const s of todo) {
        const raw = outputs.get(s.id);
        if (raw === undefined) summary.missing.push(s.id);
        const rec = toRecord(model, s.id, raw ?? '', {
          usage: null,
          latencyMs: null,
          requestHash: null,
          frames: null,
          via: 'file',
          ...(raw === undefined ? { error: `id ${s.id} missing from outputs file ${model.outputs}` } : {}),
        });
        writer!.append(rec);
        summary.written++;
        if (rec.error) summary.errors++;
        progress.tick({ error: Boolean(rec.error) });
      }
    } else {
      await runPool(
        todo,
        ctx.inflight,
        async (s) => {
          const rec = await generateOne(ctx, model, s);
          if (rec === 'budget') {
            summary.stoppedByBudget = true;
            return;
          }
          if (rec === 'skip') return;
          writer?.append(rec);
          summary.written++;
          if (rec.error) summary.errors++;
          progress.tick({ error: Boolean(rec.error), cached: rec.via === 'cache', tokens: rec.usage?.total ?? 0 });
        },
        () => summary.stoppedByBudget,
      );
    }
  } finally {
    await writer?.close();
    progress.finish();
  }
  return summary;
}

async function generateOne(ctx: StageContext, model: ModelConfig, s: Sample): Promise<ResponseRecord | 'budget' | 'skip'> {
  let frames: ResponseRecord['frames'] = null;
  try {
    const scene = await sceneFor(ctx, model, s);
    frames = scene.manifest;
    const messages = buildMessages(model, s, scene.parts);
    const req = {
      endpoint: {
        name: model.name,
        baseUrl: model.baseUrl!,
        model: model.model!,
        apiKeyEnv: model.apiKeyEnv,
        concurrency: model.concurrency,
        timeoutMs: model.timeoutMs,
      },
      messages,
      params: model.params,
      key: `generate:${s.id}`,
      noCache: ctx.noCache,
    };
    if (ctx.collect) {
      await ctx.collect(req);
      return 'skip';
    }
    const res = await ctx.provider.chat(req);
    return toRecord(model, s.id, res.content, {
      usage: res.usage,
      latencyMs: res.latencyMs,
      requestHash: res.requestHash,
      frames,
      via: res.cached ? 'cache' : 'network',
    });
  } catch (err) {
    if (isBudgetError(err)) return 'budget';
    // Stops that concern the whole stage (a disk to fix, a server asking for a long pause) are not one response's error.
    if (err instanceof DiskError || err instanceof UnfitRunError) throw err;
    return toRecord(model, s.id, '', {
      usage: null,
      latencyMs: null,
      requestHash: null,
      frames,
      via: 'network',
      error: providerErrorMessage(err),
    });
  }
}
