// An `@example` line in a doc comment is a promise to the reader: "this call
// gives this value". This test keeps every such promise true. It reads the
// sources of the folders below, finds each line of the form
//
//   * @example <expression> // <expected>
//
// evaluates <expression> with the module's own exports in scope and compares
// the result with <expected>, a JS literal (deep, strict equality), or
// `≈ <number>` / `≈ [<number>, …]` for floating results: the tolerance is half
// a unit in the last digit shown, so `≈ 0.0313` means |actual − 0.0313| < 0.5e-4.
// A bare `@example` (a multi-line block of prose and code) is not checked.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['src/stats', 'src/core', 'src/judge/parsers'];

// Files whose every exported function must carry at least one checked example
// (issue 11: the statistics and the number formatting a report prints).
const MUST_HAVE_EXAMPLES = [
  ...[
    'agreement',
    'alpha-moments',
    'bias',
    'binomial',
    'bootstrap',
    'bradley-terry',
    'correlation',
    'distributions',
    'intervals',
    'multiple',
    'paired',
    'pairwise',
    'ranks',
    'rng',
    'scores',
    'special',
    'wilcoxon',
    'logistic',
    'linalg',
  ].map((f) => `src/stats/${f}.ts`),
  'src/core/format.ts',
];

interface Example {
  /** `src/stats/binomial.ts:70`, for the failure message. */
  where: string;
  file: string;
  expr: string;
  expected: string;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
    });
}

const rel = (file: string): string => relative(ROOT, file).split('\\').join('/');

/** True when `code` parses as one JS expression (nothing is run). */
function parses(code: string): boolean {
  try {
    new Function(`return (${code});`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Split `<expression> // <expected>` at the first ` // ` that leaves a valid
 * expression on both sides, so a `//` inside a string literal on either side
 * does not cut it in the wrong place. Null when no split works.
 */
function split(rest: string): { expr: string; expected: string } | null {
  for (let at = rest.indexOf(' // '); at >= 0; at = rest.indexOf(' // ', at + 1)) {
    const expr = rest.slice(0, at).trim();
    const expected = rest.slice(at + 4).trim();
    const literal = expected.startsWith('≈') ? expected.slice(1).trim() : expected;
    if (expr && literal && parses(expr) && parses(literal)) return { expr, expected };
  }
  return null;
}

interface Malformed {
  where: string;
  text: string;
}

function collect(): { examples: Example[]; malformed: Malformed[] } {
  const examples: Example[] = [];
  const malformed: Malformed[] = [];
  for (const folder of FOLDERS) {
    for (const file of tsFiles(join(ROOT, folder))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const m = /^\s*\*\s*@example\b(.*)$/.exec(line);
          const rest = m?.[1]?.trim();
          if (!rest) return; // not an example, or a bare `@example` heading a block
          const where = `${rel(file)}:${i + 1}`;
          const parts = split(rest);
          if (parts) examples.push({ where, file, ...parts });
          else malformed.push({ where, text: rest });
        });
    }
  }
  return { examples, malformed };
}

/** Half a unit in the last digit of a number as written: '0.0313' → 0.5e-4, '1.5e-3' → 0.5e-4. */
function toleranceOf(written: string): number {
  const m = /^[+-]?\d*(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(written.trim());
  if (!m) throw new Error(`not a plain number after ≈: ${written}`);
  const decimals = m[1]?.length ?? 0;
  const exponent = Number(m[2] ?? 0);
  return 0.5 * 10 ** (exponent - decimals);
}

/** Compare with `≈ x` or `≈ [x, y, …]`; returns a message on mismatch, null when close enough. */
function approxMismatch(actual: unknown, written: string): string | null {
  const text = written.trim();
  const list = text.startsWith('[');
  const parts = list
    ? text
        .slice(1, -1)
        .split(',')
        .map((s) => s.trim())
    : [text];
  const values = list ? actual : [actual];
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) return `expected a list ≈ ${text}, got ${String(actual)}`;
  const got = Array.from(values as ArrayLike<unknown>);
  if (got.length !== parts.length) return `expected ${parts.length} values ≈ ${text}, got ${got.length}: ${JSON.stringify(got)}`;
  for (let k = 0; k < parts.length; k++) {
    const want = Number(parts[k]);
    const tol = toleranceOf(parts[k] as string);
    const v = got[k];
    if (typeof v !== 'number' || !(Math.abs(v - want) < tol)) {
      return `expected ≈ ${parts[k]} (±${tol.toExponential(1)}), got ${String(v)}${list ? ` at index ${k}` : ''}`;
    }
  }
  return null;
}

async function evaluate(ex: Example): Promise<unknown> {
  const mod = (await import(pathToFileURL(ex.file).href)) as Record<string, unknown>;
  const names = Object.keys(mod);
  return new Function(...names, `return (${ex.expr});`)(...names.map((n) => mod[n]));
}

const { examples, malformed } = collect();

describe('the ≈ comparison', () => {
  it('takes half a unit in the last digit shown as the tolerance', () => {
    expect(toleranceOf('0.0313')).toBeCloseTo(0.5e-4, 15);
    expect(toleranceOf('24.000')).toBeCloseTo(0.5e-3, 15);
    expect(toleranceOf('-2')).toBe(0.5);
    expect(toleranceOf('1.5e-3')).toBeCloseTo(0.5e-4, 15);
  });

  it('accepts values within it and refuses values outside it, lists included', () => {
    expect(approxMismatch(0.03134, '0.0313')).toBeNull();
    expect(approxMismatch(0.03136, '0.0313')).toMatch(/expected ≈ 0.0313/);
    expect(approxMismatch('0.0313', '0.0313')).toMatch(/got 0.0313/);
    expect(approxMismatch([0.02, 1.3], '[0.020, 1]')).toBeNull(); // '1' allows ±0.5
    expect(approxMismatch([0.02, 0.9], '[0.020, 1.0]')).toMatch(/at index 1/);
    expect(approxMismatch([0.02], '[0.020, 1]')).toMatch(/expected 2 values/);
  });
});

describe('@example lines in doc comments', () => {
  it('are found (the pattern has not silently stopped matching)', () => {
    expect(examples.length).toBeGreaterThanOrEqual(100);
  });

  it('all read `<expression> // <expected>`', () => {
    expect(malformed.map((m) => `${m.where}: ${m.text}`)).toEqual([]);
  });

  it('are on every exported function of the statistics and the number formatting', () => {
    const missing: string[] = [];
    for (const path of MUST_HAVE_EXAMPLES) {
      const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
      lines.forEach((line, i) => {
        const m = /^export (?:async )?(?:function\*?|const|class) (\w+)/.exec(line);
        if (!m || (line.startsWith('export const') && !/=\s*(?:\(|async\s*\(|function)/.test(line))) return;
        // Walk back over the doc comment directly above the declaration.
        let j = i - 1;
        let found = false;
        if (lines[j]?.trim().endsWith('*/')) {
          for (; j >= 0; j--) {
            if (/@example\s+\S/.test(lines[j] as string)) found = true;
            if (lines[j]?.trim().startsWith('/**')) break;
          }
        }
        if (!found) missing.push(`${path}:${i + 1} ${m[1]}`);
      });
    }
    expect(missing).toEqual([]);
  });

  for (const ex of examples) {
    it(`${ex.where}  ${ex.expr}`, async () => {
      let actual: unknown;
      try {
        actual = await evaluate(ex);
      } catch (err) {
        throw new Error(`${ex.where}: @example ${ex.expr} threw: ${(err as Error).message}`);
      }
      if (ex.expected.startsWith('≈')) {
        const problem = approxMismatch(actual, ex.expected.slice(1));
        if (problem) throw new Error(`${ex.where}: @example ${ex.expr}: ${problem}`);
        return;
      }
      const expected: unknown = new Function(`return (${ex.expected});`)();
      expect(actual, `${ex.where}: @example ${ex.expr}`).toStrictEqual(expected);
    });
  }
});
