// The folders tell the pipeline: each layer imports only layers below it, so a
// reader can follow one sample from the split to its judgment without going in
// circles. This test reads the import lines of src/ and checks the rules.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function edges(): Edge[] {
  const out: Edge[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/gm;
  for (const f of files(SRC)) {
    const from = relative(SRC, f).split('\\').join('/');
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(re)) {
      const spec = m[3] ?? m[4]!;
      const to = posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
      out.push({ from, to, typeOnly: Boolean(m[2]) });
    }
  }
  return out;
}

/** The unit of layering: a top-level folder, or a stage under stages/. */
function unit(path: string): string {
  const parts = path.split('/');
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, '');
  if (parts[0] === 'stages') return `stages/${parts[1]}`;
  return parts[0]!;
}

// Lower index = lower layer. A unit may import its own layer's peers only where listed.
const LAYERS: string[][] = [
  ['core'],
  ['config', 'dataset', 'video', 'provider', 'store', 'stats'],
  ['judge'],
  ['pipeline'],
  ['stages/generate', 'stages/score', 'stages/compare', 'stages/report', 'stages/gate', 'stages/agreement', 'stages/merge', 'stages/diff'],
  ['run'],
  ['commands'],
  ['main'],
];
const layerOf = (u: string) => LAYERS.findIndex((l) => l.includes(u));
// Foundation peers that build on one another (config reads datasets' paths, video caches frames, …).
const PEER_OK = new Set(['config→dataset', 'dataset→config', 'video→config', 'store→config', 'provider→config']);

describe('layers of src/', () => {
  const all = edges();

  it('every folder is a known layer', () => {
    const unknown = [...new Set(all.flatMap((e) => [unit(e.from), unit(e.to)]))].filter((u) => layerOf(u) < 0);
    expect(unknown).toEqual([]);
  });

  it('core/ imports nothing else in src/', () => {
    expect(all.filter((e) => unit(e.from) === 'core' && unit(e.to) !== 'core').map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('no layer imports a layer above it, and stages never import each other', () => {
    const bad = all.filter((e) => {
      const a = unit(e.from);
      const b = unit(e.to);
      if (a === b) return false;
      const la = layerOf(a);
      const lb = layerOf(b);
      if (lb > la) return true;
      return lb === la && !PEER_OK.has(`${a}→${b}`);
    });
    expect(bad.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('in the judge package only ask.ts calls the provider', () => {
    const calls = all.filter((e) => unit(e.from) === 'judge' && unit(e.to) === 'provider' && !e.typeOnly && e.from !== 'judge/ask.ts');
    expect(calls.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('apache-arrow is loaded only when an index segment is read or written, never at import', () => {
    // Every command opens a run store, and the store keeps the judgment index:
    // a value import of the library would put ~150 ms of loading before score's first request.
    const eager = files(SRC).filter((f) => /^\s*import\s+(?!type\b)[^;]*from\s+'apache-arrow'/m.test(readFileSync(f, 'utf8')));
    expect(eager.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('the folder graph has no cycle', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of all) {
      const a = unit(e.from);
      const b = unit(e.to);
      if (a !== b) (graph.get(a) ?? graph.set(a, new Set()).get(a)!).add(b);
    }
    const state = new Map<string, 1 | 2>();
    const cycle: string[] = [];
    const visit = (n: string, path: string[]): boolean => {
      if (state.get(n) === 2) return false;
      if (state.get(n) === 1) {
        cycle.push(...path.slice(path.indexOf(n)), n);
        return true;
      }
      state.set(n, 1);
      for (const m of graph.get(n) ?? []) if (visit(m, [...path, n])) return true;
      state.set(n, 2);
      return false;
    };
    for (const n of graph.keys()) if (visit(n, [])) break;
    expect(cycle).toEqual([]);
  });
});
