// scripts/lazy-init.mjs defers string-width's costly top-level objects in the
// CLI bundle (start-up): the deferred module must measure every string as the
// original does, and the stand-ins must behave as the objects they stand for.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import stringWidth from 'string-width';
import { afterAll, describe, expect, it } from 'vitest';
import { LAZY_FILES, lazyInit, lazyTopLevel } from '../../scripts/lazy-init.mjs';
import { REPO_ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const samples = [
  '',
  'plain ascii',
  '--concurrency <n>  judge calls in flight',
  '日本語のヘルプ',
  'Ｆｕｌｌｗｉｄｔｈ',
  'e\u0301 combining',
  '👩‍👩‍👧 family',
  '🇩🇪 flag',
  '1\u20e3 keycap',
  '☺ text-style',
  '❤️ emoji-style',
  '\u001b[31mred\u001b[39m',
  'zero\u200bwidth',
  'ห้า Thai',
  'tab\there',
];

describe('lazy top-level objects in the bundle', () => {
  it('finds the costly objects in the installed string-width', () => {
    const file = createRequire(join(REPO_ROOT, 'package.json')).resolve('string-width').replace(/\\/g, '/');
    expect(file).toMatch(LAZY_FILES);
    const { text, count } = lazyTopLevel(readFileSync(file, 'utf8'));
    // The Segmenter and the three `v`-flag regexes of string-width 8.
    expect(count).toBeGreaterThanOrEqual(4);
    expect(text).toContain('__rolejudgeLazy(() => new Intl.Segmenter())');
    expect(text).not.toMatch(/^const rgiEmojiRegex = \//m);
  });

  it('leaves a module without such objects byte for byte', () => {
    const src = 'const a = /x/u;\nexport default (s) => a.test(s);\n';
    expect(lazyTopLevel(src)).toEqual({ text: src, count: 0 });
  });

  it('measures every string as the original string-width does, once bundled', async () => {
    const out = join(dir, 'width.mjs');
    await build({
      stdin: { contents: "export { default } from 'string-width';", resolveDir: REPO_ROOT, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: out,
      plugins: [lazyInit],
      logLevel: 'silent',
    });
    const bundled = readFileSync(out, 'utf8');
    expect(bundled).toContain('__rolejudgeLazy');
    const lazyWidth = (await import(pathToFileURL(out).href)).default as typeof stringWidth;
    for (const s of samples) {
      expect(lazyWidth(s), JSON.stringify(s)).toBe(stringWidth(s));
      expect(lazyWidth(s, { ambiguousIsNarrow: false, countAnsiEscapeCodes: true })).toBe(
        stringWidth(s, { ambiguousIsNarrow: false, countAnsiEscapeCodes: true }),
      );
    }
  });

  it('forwards reads, writes and method calls to the object made on first use', async () => {
    const { text, count } = lazyTopLevel('const re = /a/gv;\nconst seg = new Intl.Segmenter();\nexport { re, seg };\n');
    expect(count).toBe(2);
    const file = join(dir, 'proxy.mjs');
    writeFileSync(file, text);
    const { re, seg } = (await import(pathToFileURL(file).href)) as { re: RegExp; seg: Intl.Segmenter };
    // A global regex keeps its lastIndex between calls, as the real one does.
    expect(re.exec('xaxa')?.index).toBe(1);
    expect(re.lastIndex).toBe(2);
    expect(re.exec('xaxa')?.index).toBe(3);
    re.lastIndex = 0;
    expect(re.test('a')).toBe(true);
    expect('banana'.replace(re, 'o')).toBe('bonono');
    expect(re.flags).toBe('gv');
    expect([...seg.segment('ab')].map((s) => s.segment)).toEqual(['a', 'b']);
  });
});
