/**
 * report.html through the real CLI: the outputs side by side, with the baseline's answers and
 * their diff under `run --baseline` (and again after `qfbench report DIR`), and a -c sweep whose
 * report has the throughput-latency chart with its knee.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const fast = ['--sim-opt', 'firstChunkMs=1', '--sim-opt', 'msPerOutputToken=0', '--sim-opt', 'answers=dataset'];

function dataset(en: string, zh: string): string {
  return `id,prompt,sim_answer,assert_contains\ncapital-en,What is the capital of France?,${en},Paris\ncapital-zh,中国的首都是哪里？,${zh},北京\n`;
}

function outputsSection(html: string): string {
  const start = html.indexOf('<section id="outputs">');
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('report.html outputs and sweeps (run --sim)', () => {
  it('shows each cell’s answer and, under --baseline, the baseline’s answer with a word or character diff', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'base.csv'), dataset('The capital of France is Paris.', '北京是中国的首都。'));
    await writeFile(join(dir, 'cand.csv'), dataset('The capital of France is Lyon.', '上海是中国的首都。'));
    const base = join(dir, 'base');
    const cand = join(dir, 'cand');
    const first = await runCli(['run', '--sim', '-d', join(dir, 'base.csv'), '-m', 'ernie-speed-8k', ...fast, '--out', base, '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(['run', '--sim', '-d', join(dir, 'cand.csv'), '-m', 'ernie-speed-8k', ...fast, '--baseline', base, '--out', cand, '--quiet']);
    expect(second.code, second.stderr).toBe(3); // both answers now fail their assertions

    for (const pass of ['run', 'report'] as const) {
      if (pass === 'report') expect((await runCli(['report', cand, '--quiet'])).code).toBe(0);
      const outputs = outputsSection(await readFile(join(cand, 'report.html'), 'utf8'));
      expect(outputs).toContain('The capital of France is Lyon.');
      expect(outputs).toContain('baseline answer:</span> <span class="text">The capital of France is Paris.</span>');
      expect(outputs).toContain('The capital of France is <del>Paris</del><ins>Lyon</ins>.');
      expect(outputs).toContain('<del>北京</del><ins>上海</ins>是中国的首都。');
      expect(outputs).toContain('contains &quot;Paris&quot;');
      expect(outputs).toContain('Only rows with a failure or no answer (2 of 2)');
    }
    // The baseline's own report has the answers without a baseline beside them.
    const own = outputsSection(await readFile(join(base, 'report.html'), 'utf8'));
    expect(own).toContain('The capital of France is Paris.');
    expect(own).not.toContain('baseline answer');
  }, 90_000);

  it('a -c sweep draws throughput against latency with the knee marked', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      '--sim',
      '-d',
      'datasets/demo.csv',
      '-m',
      'ernie-speed-8k',
      '-c',
      '1,2,4',
      '--max-requests',
      '12',
      // Past two requests in flight the simulator slows every request: throughput stops growing at c=2.
      '--sim-opt',
      'capacity=2',
      '--sim-opt',
      'firstChunkMs=30',
      '--sim-opt',
      'msPerOutputToken=2',
      '--out',
      out,
      '--quiet',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    const chart = html.slice(html.indexOf('<figure class="chart" id="chart-sweep-latency">'));
    expect(chart).toMatch(/^<figure class="chart" id="chart-sweep-latency"><figcaption>Throughput against latency/);
    const figure = chart.slice(0, chart.indexOf('</figure>'));
    expect(figure).toContain('<svg');
    expect(figure).toMatch(/knee c=\d/);
    expect(figure).toContain('Knee: walking the load points upward');
    expect(html).toContain('id="chart-stage-rates"');
    expect(html).toMatch(/Knee of the sweep/);
  }, 90_000);
});
