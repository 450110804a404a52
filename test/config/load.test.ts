// Config loading: YAML/JSON, path resolution against the config's folder,
// defaults, precise errors, and a hash that names the settings, not the checkout.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { canonicalJson } from '../../src/core/hash.js';
import { resultSettings } from '../../src/config/hash.js';
import { BUILTIN_JUDGES, BUILTIN_RUBRICS, PACKAGE_ROOT } from '../../src/core/paths.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** Writes a config into a fresh folder and returns its path. */
function writeConfig(text: string, ext = 'yaml', dir = join(root, `c${n++}`)): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `rolejudge.${ext}`);
  writeFileSync(file, text);
  return file;
}

function base(): Record<string, unknown> {
  return {
    run: { id: 'r1' },
    dataset: { path: 'data/test.jsonl' },
    models: [
      { name: 'plain-a', outputs: 'outputs/a.jsonl' },
      { name: 'served-b', kind: 'ebm', baseUrl: 'http://127.0.0.1:8000/v1', model: 'org/model-b', video: 'caption' },
    ],
    judges: ['offline'],
    rubrics: ['veg'],
    compare: { candidates: ['served-b'], baselines: ['plain-a'] },
  };
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, got none');
}

describe('loadConfig: valid files', () => {
  it('loads YAML and resolves relative paths against the config folder', () => {
    const file = writeConfig(YAML.stringify(base()));
    const dir = resolve(file, '..');
    const { config, baseDir, file: abs } = loadConfig(file);
    expect(baseDir).toBe(dir);
    expect(abs).toBe(file);
    expect(config.dataset.path).toBe(join(dir, 'data', 'test.jsonl'));
    expect(config.models[0]!.outputs).toBe(join(dir, 'outputs', 'a.jsonl'));
    expect(config.run.outputDir).toBe(join(dir, 'runs'));
    expect(config.run.reportsDir).toBe(join(dir, 'reports'));
    expect(config.provider.cacheDir).toBe(join(dir, '.rolejudge-cache'));
    expect(config.framesCacheDir).toBe(join(dir, '.rolejudge-cache', 'frames'));
    // Defaults filled in by the schema.
    expect(config.models[0]!.kind).toBe('plain');
    expect(config.models[0]!.video).toBe('frames');
    expect(config.models[1]!.video).toBe('caption');
    expect(config.dataset.format).toBe('rolejudge');
    expect(config.compare.combine).toBe('strict');
  });

  it('loads the same config written as JSON', () => {
    const file = writeConfig(JSON.stringify(base()), 'json');
    const { config } = loadConfig(file);
    expect(config.dataset.path).toBe(join(resolve(file, '..'), 'data', 'test.jsonl'));
    expect(config.models.map((m) => m.name)).toEqual(['plain-a', 'served-b']);
  });

  it('keeps absolute paths as they are', () => {
    const cfg = base();
    cfg.dataset = { path: '/abs/where/test.jsonl', root: 'clips' };
    const file = writeConfig(YAML.stringify(cfg));
    const { config } = loadConfig(file);
    expect(config.dataset.path).toBe('/abs/where/test.jsonl');
    expect(config.dataset.root).toBe(join(resolve(file, '..'), 'clips'));
  });

  it('defaults judgesDir and rubricsDir to the package folders, resolves them when given', () => {
    const a = loadConfig(writeConfig(YAML.stringify(base()))).config;
    expect(a.judgesDir).toBe(BUILTIN_JUDGES);
    expect(a.rubricsDir).toBe(BUILTIN_RUBRICS);
    expect(BUILTIN_JUDGES).toBe(join(PACKAGE_ROOT, 'judges'));
    expect(BUILTIN_RUBRICS).toBe(join(PACKAGE_ROOT, 'rubrics'));

    const file = writeConfig(YAML.stringify({ ...base(), judgesDir: 'my-judges', rubricsDir: 'my-rubrics' }));
    const b = loadConfig(file).config;
    expect(b.judgesDir).toBe(join(resolve(file, '..'), 'my-judges'));
    expect(b.rubricsDir).toBe(join(resolve(file, '..'), 'my-rubrics'));
  });

  it('applies a run id override', () => {
    const file = writeConfig(YAML.stringify(base()));
    expect(loadConfig(file, { runId: 'shard-7' }).config.run.id).toBe('shard-7');
  });
});

describe('loadConfig: errors name file, field and expectation', () => {
  it('rejects an unknown key', () => {
    const file = writeConfig(YAML.stringify({ ...base(), judgez: ['x'] }));
    const e = errorOf(() => loadConfig(file));
    expect(e.file).toBe(file);
    expect(e.field).toBe('(root)');
    expect(e.expected).toContain('judgez');
    expect(e.message).toContain(file);
    expect(e.message).toContain('judgez');
  });

  it('rejects an unknown key nested in a model', () => {
    const cfg = base();
    (cfg.models as Record<string, unknown>[])[0]!.temperature = 0.3;
    const e = errorOf(() => loadConfig(writeConfig(YAML.stringify(cfg))));
    expect(e.field).toBe('models.0');
    expect(e.expected).toContain('temperature');
  });

  it('rejects a wrong enum for models[].video and lists the allowed values', () => {
    const cfg = base();
    (cfg.models as Record<string, unknown>[])[1]!.video = 'mp4';
    const file = writeConfig(YAML.stringify(cfg));
    const e = errorOf(() => loadConfig(file));
    expect(e.field).toBe('models.1.video');
    for (const allowed of ['video_url', 'frames', 'caption', 'none']) expect(e.expected).toContain(allowed);
    expect(e.message).toContain(file);
  });

  it('rejects a model with neither outputs nor baseUrl+model', () => {
    const cfg = base();
    cfg.models = [{ name: 'lonely' }];
    cfg.compare = {};
    const e = errorOf(() => loadConfig(writeConfig(YAML.stringify(cfg))));
    expect(e.field).toBe('models.0');
    expect(e.expected).toMatch(/outputs/);
    expect(e.expected).toMatch(/baseUrl/);
  });

  it('rejects a model with baseUrl but no model name', () => {
    const cfg = base();
    cfg.models = [{ name: 'half', baseUrl: 'http://127.0.0.1:9/v1' }];
    cfg.compare = {};
    const e = errorOf(() => loadConfig(writeConfig(YAML.stringify(cfg))));
    expect(e.field).toBe('models.0');
  });

  it('rejects duplicate model names, naming the repeated entry', () => {
    const cfg = base();
    cfg.models = [
      { name: 'twin', outputs: 'a.jsonl' },
      { name: 'other', outputs: 'b.jsonl' },
      { name: 'twin', outputs: 'c.jsonl' },
    ];
    cfg.compare = {};
    const file = writeConfig(YAML.stringify(cfg));
    const e = errorOf(() => loadConfig(file));
    expect(e.file).toBe(file);
    expect(e.field).toBe('models.2.name');
    expect(e.expected).toContain('twin');
  });

  it('rejects compare.candidates naming an unknown model', () => {
    const cfg = base();
    cfg.compare = { candidates: ['served-b', 'ghost'], baselines: ['plain-a'] };
    const e = errorOf(() => loadConfig(writeConfig(YAML.stringify(cfg))));
    expect(e.field).toBe('compare.candidates.1');
    expect(e.expected).toContain('ghost');
  });

  it('rejects compare.baselines naming an unknown model', () => {
    const cfg = base();
    cfg.compare = { candidates: ['served-b'], baselines: ['nobody'] };
    const e = errorOf(() => loadConfig(writeConfig(YAML.stringify(cfg))));
    expect(e.field).toBe('compare.baselines.0');
  });

  it('reports malformed YAML as a file-level error', () => {
    const file = writeConfig('run:\n  id: r1\n models: [unclosed\n');
    const e = errorOf(() => loadConfig(file));
    expect(e.file).toBe(file);
    expect(e.field).toBe('(file)');
    expect(e.expected).toMatch(/valid YAML/);
  });

  it('reports malformed JSON as a file-level error', () => {
    const file = writeConfig('{"run": {"id": "r1"},', 'json');
    const e = errorOf(() => loadConfig(file));
    expect(e.field).toBe('(file)');
    expect(e.expected).toMatch(/valid JSON/);
  });

  it('reports a missing file', () => {
    const e = errorOf(() => loadConfig(join(root, 'does-not-exist.yaml')));
    expect(e.field).toBe('(file)');
  });

  it('rejects a run id unfit for file names', () => {
    const cfg = { ...base(), run: { id: '../escape' } };
    const e = errorOf(() => loadConfig(writeConfig(YAML.stringify(cfg))));
    expect(e.field).toBe('run.id');
  });
});

describe('config hash', () => {
  it('does not depend on key order', () => {
    const cfg = base();
    const reordered = Object.fromEntries(Object.entries(cfg).reverse());
    reordered.models = (cfg.models as Record<string, unknown>[]).map((m) => Object.fromEntries(Object.entries(m).reverse()));
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(cfg)[0]);
    const a = loadConfig(writeConfig(YAML.stringify(cfg))).hash;
    const b = loadConfig(writeConfig(YAML.stringify(reordered))).hash;
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a);
  });

  it('does not depend on where the config file lives', () => {
    const src = writeConfig(YAML.stringify(base()));
    const other = join(root, 'elsewhere', 'deeper');
    mkdirSync(other, { recursive: true });
    const copy = join(other, 'rolejudge.yaml');
    copyFileSync(src, copy);
    const a = loadConfig(src);
    const b = loadConfig(copy);
    // Resolved paths differ, yet the settings are the same.
    expect(a.config.dataset.path).not.toBe(b.config.dataset.path);
    expect(b.hash).toBe(a.hash);
  });

  it('changes when a setting changes', () => {
    const a = loadConfig(writeConfig(YAML.stringify(base()))).hash;
    const cfg = base();
    cfg.rubrics = ['veg', 'spc'];
    const b = loadConfig(writeConfig(YAML.stringify(cfg))).hash;
    expect(b).not.toBe(a);
  });

  it('canonicalJson sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe('shipped configs', () => {
  it('templates/init.yaml loads and validates', () => {
    const { config } = loadConfig(join(PACKAGE_ROOT, 'templates', 'init.yaml'));
    expect(config.models.length).toBeGreaterThan(0);
    expect(config.judges.length).toBeGreaterThan(0);
  });

  const examples = readdirSync(join(PACKAGE_ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
  it('there are example configs', () => {
    expect(examples.length).toBeGreaterThan(0);
  });
  it.each(examples)('examples/%s loads and validates', (name) => {
    const { config, hash } = loadConfig(join(PACKAGE_ROOT, 'examples', name));
    expect(config.run.id.length).toBeGreaterThan(0);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('readable config errors', () => {
  it('say what was found and what was expected, in plain words, with the line', () => {
    const cfg = base();
    (cfg.models as Array<Record<string, unknown>>)[0]!.kind = 'plian';
    const e = errorOf(() => loadConfig(writeConfig(YAML.stringify(cfg))));
    expect(e.message).not.toMatch(/expected (expected|Invalid)/);
    expect(e.message).toMatch(/one of "plain"\|"ebm"/);
    expect(e.line).toBeGreaterThan(1);
    expect(e.message).toMatch(new RegExp(`rolejudge\\.yaml:${e.line}: field "models\\.0\\.kind"`));
  });

  it('list every problem of the file at once', () => {
    const cfg = base();
    delete cfg.dataset;
    (cfg.run as Record<string, unknown>).seed = 'seven';
    const e = errorOf(() => loadConfig(writeConfig(YAML.stringify(cfg))));
    expect(e.message).toMatch(/dataset/);
    expect(e.message).toMatch(/run\.seed/);
    expect(e.message).toMatch(/the field is missing/);
  });
});

describe('config hash: results, not operations', () => {
  const hashOf = (cfg: Record<string, unknown>, dir?: string) => loadConfig(writeConfig(YAML.stringify(cfg), 'yaml', dir)).hash;

  it('ignores retries, timeouts, concurrency, transport, base-URL overrides, key variables and every location', () => {
    const a = hashOf(base());
    const ops = {
      ...base(),
      run: { id: 'r1', outputDir: 'elsewhere/runs', reportsDir: 'elsewhere/reports' },
      provider: { maxRetries: 9, timeoutMs: 5, concurrency: 3, cacheDir: '/tmp/c', cache: false, transport: 'node-http', breaker: { consecutiveFailures: 0 } },
      // How a report prices cached prompt tokens changes no record.
      report: { cachedTokenPrice: 0.1 },
      judgeOverrides: { baseUrl: 'http://127.0.0.1:9999/v1', apiKeyEnv: 'OTHER_KEY' },
      framesCacheDir: '/tmp/frames',
      models: (base().models as Record<string, unknown>[]).map((m) => ({ ...m, concurrency: 2, timeoutMs: 7, apiKeyEnv: 'MODEL_KEY' })),
    };
    expect(hashOf(ops)).toBe(a);
  });

  it('hashes the report settings as before report.cachedTokenPrice existed (no resume refused after the upgrade)', () => {
    const { config } = loadConfig(writeConfig(YAML.stringify(base())));
    expect(config.report.cachedTokenPrice).toBe(0.5);
    expect(config.provider.breaker).toEqual({ consecutiveFailures: 5 });
    expect(resultSettings(config).report).toEqual({ frames: false, explorerDetail: 2000 });
  });

  it.each([
    ['the seed', (c: any) => (c.run.seed = 7)],
    ['the dataset split', (c: any) => (c.dataset.split = 'dev')],
    ['a model id', (c: any) => (c.models[1].model = 'org/model-c')],
    ['a model parameter', (c: any) => (c.models[1].params = { temperature: 0.3 })],
    ['a scoring rule', (c: any) => (c.score = { zeroOnFailure: true })],
    ['the comparison rule', (c: any) => (c.compare.combine = 'ebm')],
    ['the judges', (c: any) => (c.judges = ['gpt-4o'])],
  ])('changes with %s', (_what, edit) => {
    const cfg = structuredClone(base());
    edit(cfg);
    expect(hashOf(cfg)).not.toBe(hashOf(base()));
  });

  it("follows the contents of a model's prompt, a judge file and a rubric file, not just their names", () => {
    const dir = join(root, `files${n++}`);
    const judges = join(dir, 'judges');
    const rubrics = join(dir, 'rubrics');
    mkdirSync(judges, { recursive: true });
    mkdirSync(rubrics, { recursive: true });
    const judge = (temperature: number, concurrency: number, baseUrl: string) =>
      writeFileSync(
        join(judges, 'j.yaml'),
        YAML.stringify({ name: 'j', model: 'm', baseUrl, apiKeyEnv: 'K', temperature, rounds: 1, maxTokens: 10, sees: 'none', concurrency }),
      );
    judge(0, 1, 'http://a/v1');
    writeFileSync(join(rubrics, 'veg.yaml'), 'id: veg\n');
    writeFileSync(join(rubrics, 'veg.hbs'), 'Score {{answer}}\n');
    writeFileSync(join(dir, 'p.hbs'), 'You are {{character.name}}.\n');
    const cfg = {
      ...base(),
      judgesDir: 'judges',
      rubricsDir: 'rubrics',
      models: [{ name: 'plain-a', outputs: 'o.jsonl', prompt: 'p.hbs' }, (base().models as unknown[])[1]],
      judges: ['j'],
    };
    const h0 = hashOf(cfg, dir);
    judge(0, 8, 'http://b/v1'); // operational edits of the judge
    expect(hashOf(cfg, dir)).toBe(h0);
    judge(0.7, 8, 'http://b/v1');
    const h1 = hashOf(cfg, dir);
    expect(h1).not.toBe(h0);
    writeFileSync(join(rubrics, 'veg.hbs'), 'Rate {{answer}}\n');
    const h2 = hashOf(cfg, dir);
    expect(h2).not.toBe(h1);
    writeFileSync(join(dir, 'p.hbs'), 'You play {{character.name}}.\n');
    expect(hashOf(cfg, dir)).not.toBe(h2);
  });
});
