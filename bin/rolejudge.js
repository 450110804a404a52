#!/usr/bin/env node
// `npm run build` bundles dist/ into dist/bundle/ (scripts/bundle.mjs: fewer
// files to load before the first request). A bundle older than tsc's last
// output (someone ran tsc alone) is stale, so the modules in dist/ run instead:
// the same code, only slower to load.
import { statSync } from 'node:fs';

const at = (p) => statSync(new URL(p, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = at('../dist/bundle/main.js') >= at('../dist/main.js');
await import(bundled ? '../dist/bundle/main.js' : '../dist/main.js');
