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
// templates/, the report worker; yargs its locales) must still see its own
// path, so each use is rewritten to the URL that module had unbundled.
import { readFileSync, realpathSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { lazyInit } from './lazy-init.mjs';

// Real path: esbuild names the files it loads by their real paths.
const ROOT = realpathSync(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
const DIST = join(ROOT, 'dist');
export const OUT = join(DIST, 'bundle');

/** @type {import('esbuild').Plugin} */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.m?js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const url = ownUrlOf(args.path);
      return url === null ? undefined : { contents: text.replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
};

/** The expression a bundled file's import.meta.url becomes, or null to leave it. */
function ownUrlOf(file) {
  // Our own modules: chunks all land in OUT, so a path relative to OUT is right for any chunk.
  if (file.startsWith(`${DIST}/`)) return `new URL(${JSON.stringify(relative(OUT, file).split('\\').join('/'))}, import.meta.url).href`;
  // A dependency's (yargs finds its locales next to itself): found where Node
  // resolves that package from the bundle, which differs between this
  // checkout and an installed copy, so it is resolved when the bundle runs.
  const m = /^(.*\/node_modules\/((?:@[^/]+\/)?[^/]+))\/(.+)$/.exec(file);
  if (!m) return null;
  const [, root, name, sub] = m;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // import.meta.resolve of its package.json must be allowed by the package's exports.
  if (pkg.exports !== undefined && !(typeof pkg.exports === 'object' && './package.json' in pkg.exports)) return null;
  return `new URL(${JSON.stringify(sub)}, import.meta.resolve(${JSON.stringify(`${name}/package.json`)})).href`;
}

// Chunk names carry content hashes: without a clean folder every build would leave the last one's chunks behind.
rmSync(OUT, { recursive: true, force: true });
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
  plugins: [ownUrl, lazyInit],
  logLevel: 'warning',
  legalComments: 'eof',
});
