/**
 * What `qfbench run` prints at the end: the table, the checks with ✓/✗, the row x cell matrix and
 * a file:// link on stdout; with --json the summary as JSON alone on stdout.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const demoChecks = ['run', '--sim', '-d', 'datasets/demo-checks.csv', '-m', 'ernie-speed-8k', '-m', 'ernie-4.0-8k', '--sim-opt', 'answers=dataset'];
const fast = ['--sim-opt', 'firstChunkMs=1', '--sim-opt', 'msPerOutputToken=0'];

describe('qfbench run: the console at the end', () => {
  it('shows the checks with ✓/✗, the row x cell matrix with the reasons, and a file:// link, without escape codes off a terminal', async () => {
    const out = await tempDir();
    const result = await runCli([...demoChecks, ...fast, '--out', out], { env: { NO_COLOR: '1' } });
    expect(result.code, result.stderr).toBe(3);
    const stdout = result.stdout;
    expect(stdout).not.toContain('\x1b');
    expect(stdout).toMatch(/^\s+-+ outcomes \(requests\) -+/m);
    expect(stdout).toMatch(/^client overhead: event-loop delay p50 [\d.]+ ms, p99 [\d.]+ ms/m);
    expect(stdout).toContain('checks: 1 of 3 passed — exit code 3 (failed)');
    expect(stdout).toMatch(/^ {2}✓ requests answered: 12 of 12 planned requests answered ok$/m);
    expect(stdout).toMatch(/^ {2}✗ assertions · ERNIE-Speed-8K: 4 of 6 answers passed/m);
    expect(stdout).toContain('row x cell: 6 rows');
    expect(stdout).toMatch(/^row\s+ERNIE-Speed-8K\s+ERNIE-4\.0-8K$/m);
    expect(stdout).toMatch(/^capital-en\s+PASS\s+PASS$/m);
    expect(stdout).toMatch(/^wrong-capital\s+FAIL\s+FAIL$/m);
    expect(stdout).toMatch(/^ {2}wrong-capital × ERNIE-Speed-8K: icontains "canberra": output does not contain "canberra"/m);
    expect(stdout).toContain(`report: ${pathToFileURL(join(out, 'report.html')).href}`);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
      run: { client?: { eventLoopDelayMs: { count: number }; cpuShare: number } };
    };
    expect(summary.run.client?.eventLoopDelayMs.count).toBeGreaterThan(0);
    expect(summary.run.client?.cpuShare).toBeGreaterThan(0);
  });

  it('--json: the summary with outDir and exitCode is all of stdout; the table goes to stderr, and --quiet drops it', async () => {
    const out = await tempDir();
    const result = await runCli([...demoChecks, ...fast, '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(3);
    const parsed = JSON.parse(result.stdout) as {
      outDir: string;
      exitCode: number;
      cells: unknown[];
      checks?: { exitCode: number };
      run: { client?: unknown };
    };
    expect(parsed.outDir).toBe(out);
    expect(parsed.exitCode).toBe(3);
    expect(parsed.cells).toHaveLength(2);
    expect(parsed.run.client).toBeDefined();
    expect(result.stderr).toContain('outcomes (requests)');
    expect(result.stderr).toContain('row x cell: 6 rows');
    // --json is how this session talks to its caller: a resume must not inherit it.
    const manifest = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as { config: Record<string, unknown> };
    expect(manifest.config).not.toHaveProperty('json');

    const quiet = await runCli([...demoChecks, ...fast, '--out', await tempDir(), '--json', '--quiet']);
    expect(quiet.code, quiet.stderr).toBe(3);
    expect((JSON.parse(quiet.stdout) as { exitCode: number }).exitCode).toBe(3);
    expect(quiet.stderr).not.toContain('outcomes (requests)');
    expect(quiet.stderr).not.toMatch(/answered: ok/);
  });
});
