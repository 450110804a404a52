// The generate stage: every configured model answers every selected sample.
// One record per (sample, model), appended as soon as it exists, so a killed
// run resumes where it stopped.
import type { ModelConfig } from '../../config/schema.js';
import type { ResponseRecord, Sample, Spend, Usage } from '../../core/records.js';
import type { JsonlWriter } from '../../store/jsonl.js';
import { arraySource, isSampleSource, type SampleSource } from '../../pipeline/source.js';
import { runPool } from '../../core/pool.js';
import { DiskError, UnfitRunError } from '../../core/errors.js';
import { Progress } from '../../core/progress.js';
import { buildMessages } from './prompt.js';
import { formatPass, parseByKind } from './ebm.js';
import { sceneFor } from './scene.js';
import { modelOutputs } from './outputs.js';
import { dropSuperseded, readResponseLog, replacing } from './redo.js';
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

function responseSpend(callId: string, requests: number, cached: boolean, usage: Usage | null): Spend {
  return {
    callId: callId.slice(0, 32),
    requests,
    fromCache: cached ? 1 : 0,
    promptTokens: cached ? 0 : (usage?.prompt ?? 0),
    completionTokens: cached ? 0 : (usage?.completion ?? 0),
    promptTokensFromCache: cached ? (usage?.prompt ?? 0) : 0,
    completionTokensFromCache: cached ? (usage?.completion ?? 0) : 0,
    // The provider's own prompt cache, as reported for a reply that came over the network.
    ...(!cached && (usage as { cached?: number } | null)?.cached !== undefined ? { cachedPromptTokens: (usage as { cached?: number }).cached } : {}),
  };
}

export function toRecord(
  model: ModelConfig,
  sampleId: string,
  raw: string,
  extra: Pick<ResponseRecord, 'usage' | 'latencyMs' | 'requestHash' | 'frames' | 'via'> & { error?: string },
): ResponseRecord {
  const parsed = parseByKind(model.kind, raw);
  return {
    type: 'response',
    sampleId,
    model: model.name,
    kind: model.kind,
    raw,
    answer: parsed.answer,
    ...(model.kind !== 'plain' ? { sections: parsed.sections } : {}),
    format: parsed.format,
    formatPass: formatPass(raw),
    ...extra,
  };
}

/**
 * Every model answers every selected sample it has not answered yet. The split
 * is streamed once for all live models together, so the first request goes
 * out as soon as the first sample is read (not after a second full read), and
 * memory stays flat. Models with an `outputs:` file need only the ids.
 */
export async function generate(ctx: StageContext, source: Sample[] | SampleSource, models: ModelConfig[]): Promise<GenerateSummary[]> {
  const split = isSampleSource(source) ? source : arraySource(source);
  const recording = !ctx.dryRun && !ctx.collect;
  const plans = new Map<string, LivePlan>();
  for (const model of models) {
    // Failed network responses are redone; each stays recorded until its
    // replacement, which inherits its spend, is written (redo.ts).
    const log = await readResponseLog(ctx.store.responsesFile(model.name), recording);
    const todo = new Set(split.ids.filter((id) => !log.done.has(id)));
    plans.set(model.name, {
      model,
      todo,
      redo: log.failed,
      summary: {
        model: model.name,
        total: split.ids.length,
        skipped: split.ids.length - todo.size,
        written: 0,
        errors: 0,
        missing: [],
        stoppedByBudget: false,
      },
    });
  }
  const writers = new Map<string, JsonlWriter>();
  const writerOf = (name: string) => {
    let w = writers.get(name);
    if (!w) writers.set(name, (w = ctx.store.writer(ctx.store.responsesFile(name))));
    return w;
  };
  try {
    for (const { model, todo, summary } of plans.values()) {
      // Outputs files cost nothing; in a dry run or batch collection they wait for the real pass.
      if (model.outputs && recording && todo.size)
        await fromOutputs(
          ctx,
          split,
          model,
          split.ids.filter((id) => todo.has(id)),
          summary,
          writerOf(model.name),
        );
    }
    const live = [...plans.values()].filter((p) => !p.model.outputs && p.todo.size);
    if (live.length) await generateLive(ctx, split, live, recording ? writerOf : null);
  } finally {
    for (const w of writers.values()) await w.close();
  }
  // The failed records that were redone now have a later record: drop them.
  for (const p of plans.values()) if (recording && p.redo.size) await dropSuperseded(ctx.store.responsesFile(p.model.name));
  return [...plans.values()].map((p) => p.summary);
}

async function fromOutputs(
  ctx: StageContext,
  split: SampleSource,
  model: ModelConfig,
  ids: string[],
  summary: GenerateSummary,
  writer: JsonlWriter,
): Promise<void> {
  const progress = new Progress({ label: `generate ${model.name}`, total: ids.length, quiet: ctx.quiet });
  try {
    // Duplicates, conflicts and join problems were reported (or refused) by preflight, before anything was written.
    const outputs = await modelOutputs(model, split, ids);
    for (const id of ids) {
      const raw = outputs.get(id);
      if (raw === undefined) summary.missing.push(id);
      const rec = toRecord(model, id, raw ?? '', {
        usage: null,
        latencyMs: null,
        requestHash: null,
        frames: null,
        via: 'file',
        ...(raw === undefined ? { error: `id ${id} missing from outputs file ${model.outputs}` } : {}),
      });
      writer.append(rec);
      summary.written++;
      if (rec.error) summary.errors++;
      progress.tick({ error: Boolean(rec.error) });
    }
  } finally {
    progress.finish();
  }
}

type LivePlan = { model: ModelConfig; todo: Set<string>; redo: Map<string, Spend | undefined>; summary: GenerateSummary };

async function generateLive(ctx: StageContext, split: SampleSource, live: LivePlan[], writerOf: ((name: string) => JsonlWriter) | null): Promise<void> {
  const total = live.reduce((n, p) => n + p.todo.size, 0);
  const progress = new Progress({ label: live.length === 1 ? `generate ${live[0]!.model.name}` : 'generate', total, quiet: ctx.quiet });
  let stopped = false;
  async function* jobs(): AsyncGenerator<{ plan: LivePlan; sample: Sample }> {
    for await (const sample of split.samples()) for (const plan of live) if (plan.todo.has(sample.id)) yield { plan, sample };
  }
  try {
    await runPool(
      jobs(),
      ctx.inflight,
      async ({ plan, sample }) => {
        progress.begin();
        const rec = await generateOne(ctx, plan.model, sample);
        if (rec === 'budget') {
          stopped = true;
          for (const p of live) p.summary.stoppedByBudget = true;
          return;
        }
        if (rec === 'skip') return;
        writerOf?.(plan.model.name).append(plan.redo.has(sample.id) ? replacing(plan.redo.get(sample.id), rec) : rec);
        plan.summary.written++;
        if (rec.error) plan.summary.errors++;
        progress.tick({ error: Boolean(rec.error), cached: rec.via === 'cache', tokens: rec.usage?.total ?? 0 });
      },
      () => stopped,
    );
  } finally {
    progress.finish();
  }
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
    return {
      ...toRecord(model, s.id, res.content, {
        usage: res.usage,
        latencyMs: res.latencyMs,
        requestHash: res.requestHash,
        frames,
        via: res.cached ? 'cache' : 'network',
      }),
      // A batch answer is cached but bought by this run: counted as one call.
      spend: responseSpend(res.requestHash, res.batch ? 1 : res.cached ? 0 : res.attempts, res.cached && !res.batch, res.usage),
    };
  } catch (err) {
    const sent = (err as { attempts?: number }).attempts ?? 0;
    // Cut off by a stop after some attempts went out: no record will hold them, the run's ledger does.
    if ((isBudgetError(err) || err instanceof UnfitRunError) && sent > 0)
      ctx.unrecorded?.({ model: model.name }, responseSpend(`generate:${s.id}`, sent, false, null));
    if (isBudgetError(err)) return 'budget';
    // Stops that concern the whole stage (a disk to fix, a server asking for a long pause) are not one response's error.
    if (err instanceof DiskError || err instanceof UnfitRunError) throw err;
    return {
      ...toRecord(model, s.id, '', {
        usage: null,
        latencyMs: null,
        requestHash: null,
        frames,
        via: 'network',
        error: providerErrorMessage(err),
      }),
      // A give-up still sent its attempts: they count as spent.
      spend: responseSpend(`generate:${s.id}`, (err as { attempts?: number }).attempts ?? 0, false, null),
    };
  }
}
