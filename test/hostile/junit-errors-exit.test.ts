/**
 * The exit code agrees with the JUnit file. A request that got no answer is a JUnit `<error>`
 * (type: its outcome and code), not an AssertionError `<failure>`; and a run whose JUnit holds a
 * failure or an error never exits 0. Before, a run with API errors and no assertions exited 0
 * while its JUnit listed the errored rows as failures.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { runSummary, writeDataset } from './loud-helpers.js';

const SIM = ['--sim', '-m', 'ernie-speed-8k', '--sim-opt', 'firstChunkMs=1', '--sim-opt', 'msPerOutputToken=0', '--retries', '0'];

/** `<testcase name="…">…</testcase>` of each row, by name. */
function cases(xml: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) found.set(match[1]!, match[2] ?? '');
  return found;
}

describe('JUnit errors vs failures, and the exit code', () => {
  it('splits failed checks from requests without an answer, in JUnit, the console and the summary', async () => {
    const dataset = await writeDataset([
      { id: 'passes', prompt: 'hello', assert: 'min-length:1' },
      { id: 'fails', prompt: 'hello again', assert: 'equals:this exact text never comes back' },
      { id: 'errors-unasserted', prompt: 'busy [[sim:error=336100]]', assert: '' },
      { id: 'errors-asserted', prompt: 'busy too [[sim:error=336100]]', assert: 'min-length:1' },
    ]);
    const out = await tempDir();
    const junit = join(out, 'junit.xml');
    const summaryMd = join(out, 'summary.md');
    const result = await runCli(['run', ...SIM, '-d', dataset, '--out', out, '--junit', junit, '--summary-md', summaryMd], {
      env: { CI: 'true', GITHUB_STEP_SUMMARY: undefined },
    });
    expect(result.code, result.stderr).toBe(3);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<testsuites [^>]*tests="4" failures="1" errors="2"/);
    const byRow = cases(xml);
    expect(byRow.get('passes')).toBe('');
    expect(byRow.get('fails')).toMatch(/<failure message="equals/);
    for (const row of ['errors-unasserted', 'errors-asserted']) {
      expect(byRow.get(row)).toMatch(/^\s*<error message="no answer: failed 336100[^"]*" type="failed 336100">/);
      expect(byRow.get(row)).not.toContain('AssertionError');
    }
    expect(result.stderr).toMatch(/error: assertion failed: row "fails"/);
    expect(result.stderr).toMatch(/error: request error: row "errors-unasserted" × ERNIE-Speed-8K \(repeat 0\): no answer: failed 336100/);
    expect(result.stderr).not.toMatch(/assertion failed: row "errors/);
    // The console's pass column: the rate over every asserted request, the unanswered ones apart.
    expect(result.stdout).toMatch(/33\.3% 1\/3 \(1 no answer\)/);
    // summary.csv splits them too.
    const [header, row] = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
    const column = (name: string): string | undefined => row?.split(',')[header!.split(',').indexOf(name)];
    expect([column('assert_passed'), column('assert_failed'), column('assert_errored')]).toEqual(['1', '1', '1']);
    const assertions = (await runSummary(out)).cells[0]!.assertions!;
    expect(assertions).toMatchObject({ passed: 1, failed: 1, errored: 1, skipped: 0 });
    const markdown = await readFile(summaryMd, 'utf8');
    expect(markdown).toContain('**1 check(s) failed:**');
    expect(markdown).toContain('**Requests without an answer** (errors, not failed checks):');
  });

  it('--junit without assertions: an errored request is a JUnit error and the run exits 3, not 0', async () => {
    const dataset = await writeDataset([
      { id: 'a', prompt: 'hello' },
      { id: 'b', prompt: 'busy [[sim:error=336100]]' },
      { id: 'c', prompt: 'hello there' },
    ]);
    const out = await tempDir();
    const junit = join(out, 'junit.xml');
    const result = await runCli(['run', ...SIM, '-d', dataset, '--out', out, '--junit', junit, '--quiet']);
    expect(result.code, result.stderr).toBe(3);
    expect(await readFile(junit, 'utf8')).toMatch(/<testsuites [^>]*tests="3" failures="0" errors="1"/);
    expect(result.stderr).toContain('request error: row "b"');
  });

  it('a plain benchmark (no assertions, no --junit) measures partial errors and exits 0, naming them under the table', async () => {
    const dataset = await writeDataset([
      { id: 'a', prompt: 'hello' },
      { id: 'b', prompt: 'busy [[sim:error=336100]]' },
    ]);
    const out = await tempDir();
    const result = await runCli(['run', ...SIM, '-d', dataset, '--out', out, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ERNIE-Speed-8K\s+2\s+1\s+1\s+0\s+0\s+0\s+0\s/);
    expect(result.stdout).toMatch(/errors of ERNIE-Speed-8K: 336100 ×1 "/);
  });
});
