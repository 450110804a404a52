#!/usr/bin/env node
// The CLI as a few bundled files (dist/bundle/), built from tsc's dist/ by
// `npm run build` right after tsc. Why: loading ~230 dist modules plus zod,
// yargs, openai, yaml and handlebars file by file cost ~0.4 s of resolving and
// compiling before `rolejudge score` could read its split; one bundle per
// command (dynamic imports stay separate chunks, so a command still loads only
// what it runs) cut the time to the first judge request by ~0.3 s on a
// 32k-sample split (bench/start-bench.mjs). The code is tsc's output unchanged;
// dist/ keeps every module for the bench scripts and the report worker.
//
// import.meta.url: a module that finds files next to itself (package.json,
// templates/, the report worker) must still see its own dist/ path, so each
// use is rewritten to the URL that module had in dist/, relative to the bundle.
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
export const OUT = join(DIST, 'bundle');

/** @type {import('esbuild').Plugin} */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\/dist\/.*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      // Chunks all land in OUT, so a path relative to OUT is right for any chunk.
      const rel = relative(OUT, args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

await build({
  entryPoints: { main: join(DIST, 'main.js') },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies shipped as CommonJS (handlebars) call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __rolejudgeRequire } from 'node:module';\nconst require = __rolejudgeRequire(import.meta.url);" },
  plugins: [ownUrl],
  logLevel: 'warning',
  legalComments: 'eof',
});
