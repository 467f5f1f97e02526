/**
 * qfbench as a package: `npm pack` the built tree, unpack the tarball into a temporary
 * consumer's node_modules (as npm install would; its dependencies are linked from this
 * repository's node_modules, since tests have no registry), then import it from plain ESM by its
 * package name and run a one-row simulated benchmark through the public API, and type-check a
 * TypeScript consumer against the shipped declarations.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const run = promisify(execFile);
let consumer: string;

/** What npm install does with a tarball, without a registry: unpack it, link its dependencies. */
async function installTarball(dir: string): Promise<void> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: REPO_ROOT,
    env: { ...process.env, npm_config_ignore_scripts: 'true' },
  });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  const modules = join(dir, 'node_modules');
  await mkdir(join(modules, 'qfbench'), { recursive: true });
  await run('tar', ['-xzf', join(dir, packed!.filename), '-C', join(modules, 'qfbench'), '--strip-components=1']);
  for (const entry of await readdir(join(REPO_ROOT, 'node_modules'))) {
    if (entry.startsWith('.') || entry === 'qfbench') continue;
    await symlink(join(REPO_ROOT, 'node_modules', entry), join(modules, entry));
  }
}

beforeAll(async () => {
  consumer = await mkdtemp(join(tmpdir(), 'qfbench-consumer-'));
  await installTarball(consumer);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await writeFile(join(consumer, 'rows.csv'), 'id,prompt\nr1,Say hello in one word.\n');
}, 120_000);

afterAll(async () => {
  if (consumer !== undefined) await rm(consumer, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the library entry, its declarations, a LICENSE, and not the tests', async () => {
    const root = join(consumer, 'node_modules', 'qfbench');
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'LICENSE', 'README.md', 'package.json', 'dist/cli/main.js'])
      expect(existsSync(join(root, file)), file).toBe(true);
    expect(existsSync(join(root, 'test'))).toBe(false);
  });

  it('imports from plain ESM by name and runs a one-row simulated benchmark through the API', async () => {
    await writeFile(
      join(consumer, 'consumer.mjs'),
      `import { runBenchmark, startSimulator, compareRuns, compareRunFolders, estimateRun, loadDataset, readSummaryJson } from 'qfbench';
const rows = await loadDataset('rows.csv');
const sim = await startSimulator({ seed: 1 });
const simShape = { url: typeof sim.url, ak: typeof sim.credentials.ak, close: typeof sim.close };
await sim.close();
const estimate = await estimateRun({ datasets: ['rows.csv'], models: ['ernie-speed-8k'], sim: true });
const seen = [];
const result = await runBenchmark({ datasets: ['rows.csv'], models: ['ernie-speed-8k'], sim: true, out: 'run-a' }, { onProgress: (p) => seen.push(p.outcome) });
const again = await readSummaryJson('run-a/summary.json');
const typo = await runBenchmark({ datasets: ['rows.csv'], models: ['ernie-speed-8k'], sim: true, concurency: 4 }).then(() => 'ran', (error) => error.message);
const compared = await compareRunFolders('run-a', 'run-a');
console.log(JSON.stringify({ rows: rows.length, simShape, compareRuns: typeof compareRuns, estimated: estimate.total.requests, seen, exitCode: ` +
        `result.exitCode, outDir: result.outDir, cells: result.summary.cells.length, ok: result.summary.cells[0].outcomes.ok, reread: again.cells.length, ` +
        `typo, comparedCells: compared.matched.length }));
`,
    );
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: consumer, timeout: 60_000 });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      rows: 1,
      simShape: { url: 'string', ak: 'string', close: 'function' },
      compareRuns: 'function',
      estimated: 1,
      seen: ['ok'],
      exitCode: 0,
      outDir: 'run-a',
      cells: 1,
      ok: 1,
      reread: 1,
    });
    expect(existsSync(join(consumer, 'run-a', 'report.html'))).toBe(true);
    // A mistyped key is refused with a suggestion, as in a config file, not silently dropped.
    expect(out['typo']).toMatch(/unknown setting "concurency"; did you mean "concurrency"\?/);
    expect(out['comparedCells']).toBe(1);
  }, 90_000);

  it('type-checks a TypeScript consumer against the shipped declarations', async () => {
    await writeFile(
      join(consumer, 'consumer.ts'),
      `import { runBenchmark, startSimulator, type BenchmarkResult, type RunConfigInput, type RunSummary } from 'qfbench';
const config: RunConfigInput = { datasets: ['rows.csv'], models: ['ernie-speed-8k'], sim: true };
const sim = await startSimulator();
const result: BenchmarkResult = await runBenchmark(config, { signal: AbortSignal.timeout(60_000), onProgress: (p) => p.done });
const summary: RunSummary = result.summary;
const p50: number | undefined = summary.cells[0]?.latencyMs.p50;
console.log(p50, sim.url);
await sim.close();
`,
    );
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer, timeout: 120_000 }).catch(
      (error: { stdout?: string; stderr?: string }) => ({
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? 'tsc failed',
      }),
    );
    expect(`${result.stdout}${result.stderr}`).toBe('');
  }, 150_000);
});
