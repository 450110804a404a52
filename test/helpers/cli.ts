// Running the built CLI (bin/rolejudge.js → dist/) as a child process, the way
// a user does: real argv, real exit code, real stdout/stderr. The child gets a
// clean environment (no real API keys) plus whatever the test adds.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
export const CLI = resolve(REPO_ROOT, 'bin', 'rolejudge.js');

export interface CliResult {
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to (or, with undefined values, removed from) the child's environment. */
  env?: Record<string, string | undefined>;
  /** Kill the child (SIGKILL) and fail after this long; default 30 s. */
  timeoutMs?: number;
  cwd?: string;
}

export interface SpawnedCli {
  child: ChildProcess;
  /** Output captured so far (grows while the child runs). */
  readonly stdout: string;
  readonly stderr: string;
  /** Settles when the child exits; rejects when the timeout fires. */
  result: Promise<CliResult>;
}

// Keys a developer may have exported must never reach a test server.
const SCRUBBED = ['OPENAI_API_KEY', 'ROLEJUDGE_DEBUG'];

function childEnv(extra: CliOptions['env'] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of SCRUBBED) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function spawnCli(args: string[], opts: CliOptions = {}): SpawnedCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: childEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const result = new Promise<CliResult>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`rolejudge ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      rej(err);
    });
    // 'close' (not 'exit'): every byte of output has been read by then.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    result,
  };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, opts).result;
}

/** A readable summary of a finished run for assertion messages. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
