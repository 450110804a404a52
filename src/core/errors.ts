// Every error a command can end with, and the one mapping from error to exit
// code. Lower layers throw these; only src/main.ts turns them into exit codes:
//   0 ok · 1 regression (gate) · 2 usage, config or input error · 3 run unfit
//   to judge · 4 runtime failure · 5 stopped at a budget (resumable)

export const EXIT = { ok: 0, regression: 1, input: 2, unfit: 3, runtime: 4, budget: 5 } as const;

/** Exit code of a stage stopped cleanly at --max-calls/--max-tokens: resumable, not finished. */
export const BUDGET_STOP = EXIT.budget;

/** Bad input the user can fix before anything is spent: exit 2. */
export class InputError extends Error {
  override name = 'InputError';
}

export class UsageError extends InputError {
  override name = 'UsageError';
}

export interface ConfigErrorWhere {
  /** Dotted path of the offending field. */
  field?: string;
  /** What should have been there, phrased to follow "expected". */
  expected?: string;
  /** 1-based line in the file, when known. */
  line?: number;
}

/** A config, judge or rubric file that cannot be used, named by file (and line and field where known). */
export class ConfigError extends InputError {
  override name = 'ConfigError';
  readonly file: string;
  readonly field: string | undefined;
  readonly expected: string | undefined;
  readonly line: number | undefined;

  constructor(file: string, message: string, where: ConfigErrorWhere = {}) {
    super(`${file}${where.line ? `:${where.line}` : ''}: ${message}`);
    this.file = file;
    this.field = where.field;
    this.expected = where.expected;
    this.line = where.line;
  }

  /** `file: field "x": expected y` — the usual shape of a config mistake. */
  static field(file: string, field: string, expected: string, line?: number): ConfigError {
    return new ConfigError(file, `field "${field}": expected ${expected}`, { field, expected, ...(line ? { line } : {}) });
  }
}

/** Several input problems found together (preflight lists them all at once). */
export class InputErrors extends InputError {
  override name = 'InputErrors';
  constructor(readonly problems: Error[]) {
    super(
      problems.length === 1
        ? problems[0]!.message
        : `${problems.length} problems found before anything was spent:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
    );
  }
}

/** The run cannot be judged (judge down, failures above the allowed share): exit 3. */
export class UnfitRunError extends Error {
  override name = 'UnfitRunError';
}

/** A budget (--max-calls, --max-tokens) was reached: the stage stops cleanly, resumable. */
export class BudgetStop extends Error {
  override name = 'BudgetStop';
  constructor() {
    super('budget reached');
  }
}

/** A file-system condition the user must fix (full disk, no permission): exit 4, with the path named. */
export class DiskError extends Error {
  override name = 'DiskError';
  constructor(
    readonly path: string,
    readonly code: string,
    detail: string,
  ) {
    super(`${code} on ${path}: ${detail}`);
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof InputError) return EXIT.input;
  if (err instanceof UnfitRunError) return EXIT.unfit;
  if (err instanceof BudgetStop) return EXIT.budget;
  return EXIT.runtime;
}

export function formatError(err: unknown): string {
  if (err instanceof Error) return process.env.ROLEJUDGE_DEBUG && err.stack ? err.stack : err.message;
  return String(err);
}
