/**
 * `--baseline` against a run with no cell in common (another model) compared nothing and used to
 * pass silently. It is a failed check now: exit 3, the reason on stderr and in the JUnit file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const RUN = ['run', '--sim', '-d', 'datasets/demo.csv', '--max-requests', '3', '--seed', '5', '--quiet'];

describe('--baseline with no matching cell', () => {
  it('fails the run (exit 3) and says which cells each side has', async () => {
    const root = await tempDir();
    const base = await runCli([...RUN, '-m', 'ernie-speed-8k', '--out', join(root, 'base')]);
    expect(base.code, base.stderr).toBe(0);
    const junit = join(root, 'junit.xml');
    const candidate = await runCli([...RUN, '-m', 'ernie-4.0-8k', '--out', join(root, 'candidate'), '--baseline', join(root, 'base'), '--junit', junit]);
    expect(candidate.code, candidate.stderr).toBe(3);
    expect(candidate.stderr).toMatch(/no cell of this run matches a cell of the baseline.*ERNIE-Speed-8K.*ERNIE-4\.0-8K/);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<testcase name="matching cells" classname="baseline"[^>]*>\s*<failure/);
  });
});
