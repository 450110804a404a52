// One mapping from error to message and exit code for every command.
import { ConfigError } from '../config/load.js';
import { DatasetError } from '../dataset/errors.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** The run cannot be judged (judge down, failures above the allowed share). */
export class UnfitRunError extends Error {
  override name = 'UnfitRunError';
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError || err instanceof DatasetError || err instanceof UsageError) return 2;
  if (err instanceof UnfitRunError) return 3;
  return 4;
}

export function formatError(err: unknown): string {
  if (err instanceof Error) {
    const msg = err.message;
    return process.env.ROLEJUDGE_DEBUG && err.stack ? err.stack : msg;
  }
  return String(err);
}

/** Exit code of a stage stopped cleanly at --max-calls/--max-tokens: resumable, not finished. */
export const BUDGET_STOP = 5;
