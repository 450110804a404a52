// The command line itself: unknown commands are usage errors (exit 2) with or
// without --help; each command's help shows its examples and only its options;
// -q is accepted everywhere.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('rolejudge (CLI)', () => {
  it('exits 2 on an unknown command, with and without --help', async () => {
    for (const args of [['nosuchcmd'], ['nosuchcmd', '--help']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/unknown command "nosuchcmd"/);
    }
  });

  it("shows a command's examples and only its own options", async () => {
    const gen = await runCli(['generate', '--help']);
    expect(gen.code).toBe(0);
    expect(gen.stdout).toMatch(/Examples:/);
    expect(gen.stdout).toMatch(/rolejudge generate -c eval\.yaml --limit 20/);
    // Judging options do nothing for generate, so they are not listed.
    expect(gen.stdout).not.toMatch(/--metrics/);
    expect(gen.stdout).not.toMatch(/--retry-failed/);
    const gate = await runCli(['gate', '--help']);
    expect(gate.stdout).toMatch(/--junit/);
    expect(gate.stdout).not.toMatch(/--max-calls/);
  });

  it('accepts -q on every command', async () => {
    for (const cmd of ['generate', 'score', 'compare', 'report', 'gate', 'run', 'demo', 'init', 'agreement', 'merge']) {
      const r = await runCli([cmd, '-q', '--help']);
      expect(r.code, `${cmd} -q --help`).toBe(0);
      expect(r.stdout, cmd).toMatch(/--quiet/);
    }
  });
});
