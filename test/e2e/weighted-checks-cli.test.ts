/**
 * Weighted assertions end to end: the real CLI on the simulator (answers=echo, so each answer is
 * its prompt), a JSONL dataset with weights, metrics and row thresholds, and a CSV one with the
 * bracket options and assert_threshold: the per-cell score and metrics in summary.json, each
 * answer's score in requests.csv, the reason of a row its threshold failed, and the exit code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

const sim = ['run', '--sim', '-m', 'ernie-speed-8k', '--sim-opt', 'answers=echo', '--sim-opt', 'firstChunkMs=1', '--sim-opt', 'msPerOutputToken=0', '--quiet'];

async function outputs(out: string): Promise<{ summary: RunSummary; rows: Record<string, string>[] }> {
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
  const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  return { summary, rows };
}

describe('weights, metrics and row thresholds through `qfbench run`', () => {
  it('scores each answer, aggregates the metrics per cell, and exits 3 when a row misses its threshold', async () => {
    const dir = await tempDir('qfbench-weighted-');
    const dataset = join(dir, 'weighted.jsonl');
    const records = [
      {
        id: 'capital',
        prompt: 'Paris is the capital of France.',
        threshold: 0.7,
        assert: [
          { type: 'contains-all', value: ['Paris', 'France'], weight: 2, metric: 'facts' },
          { type: 'icontains-any', value: ['lyon', 'marseille'], metric: 'facts' },
          { type: 'word-count', value: '3..10', metric: 'style' },
          { type: 'levenshtein', value: 'Paris is the capital of France', threshold: 2, metric: 'style' },
        ],
      },
      {
        id: 'beijing',
        prompt: '北京是中国的首都。',
        threshold: 0.9,
        assert: [
          { type: 'contains-any', value: ['北京', '上海'], weight: 3, metric: 'facts' },
          { type: 'word-count', value: { max: 5 }, metric: 'style' },
          { type: 'icontains-all', value: ['中国', '首都'] },
          { type: 'contains', value: 'Tokyo', weight: 0 },
        ],
      },
    ];
    await writeFile(dataset, records.map((record) => JSON.stringify(record)).join('\n'));
    const out = join(dir, 'out');
    const junit = join(dir, 'junit.xml');
    const result = await runCli([...sim, '-d', dataset, '--out', out, '--junit', junit]);
    expect(result.code, result.stderr).toBe(3);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('tests="2" failures="1" errors="0"');
    expect(xml).toContain('<failure message="score 0.8 &lt; threshold 0.9; word-count ≤ 5 words: output has 8 words (maximum 5);');
    expect(result.stderr).toContain(
      'assertion failed: row "beijing" × ERNIE-Speed-8K (repeat 0): score 0.8 < threshold 0.9; word-count ≤ 5 words: output has 8 words (maximum 5); ' +
        'contains "Tokyo" (weight 0: not counted): output does not contain "Tokyo"',
    );
    expect(result.stderr).not.toContain('row "capital"');
    const { summary, rows } = await outputs(out);
    expect(summary.cells[0]?.assertions).toEqual({
      passed: 1,
      failed: 1,
      errored: 0,
      skipped: 0,
      passRate: 0.5,
      score: 0.8,
      metrics: {
        facts: { score: 0.833333, passed: 2, failed: 1 },
        style: { score: 0.5, passed: 2, failed: 1 },
      },
    });
    expect(Object.fromEntries(rows.map((row) => [row.row_id, [row.assert_result, row.assert_score]]))).toEqual({
      capital: ['pass', '0.8000'],
      beijing: ['fail', '0.8000'],
    });
    expect(rows.find((row) => row.row_id === 'capital')?.assert_reason).toBe(
      'score 0.8 ≥ threshold 0.7; icontains-any any of "lyon", "marseille": output contains none of "lyon", "marseille" (ignoring case)',
    );
    // summary.csv and the report's checks columns carry the score and each metric too.
    const [csvRow] = parse(await readFile(join(out, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(csvRow).toMatchObject({ assert_score: '0.8000', metric_facts: '0.8333', metric_style: '0.5000' });
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="cols-checks"');
    expect(html).toMatch(/<th class="num set-checks" title="Metric facts: mean score of its assertions">facts<\/th>/);
  });

  it('reads the CSV syntax (options in brackets, assert_threshold) and exits 0 when every row reaches its threshold', async () => {
    const dir = await tempDir('qfbench-weighted-');
    const dataset = join(dir, 'weighted.csv');
    await writeFile(
      dataset,
      [
        'id,prompt,assert,assert_contains-any[metric=facts;weight=2],assert_threshold',
        'capital,"Paris, the capital of France.",' +
          '"word-count[metric=style]:..3\nlevenshtein[threshold=1]:Paris, the capital of France","Paris\\, the, Lyon",0.6',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const result = await runCli([...sim, '-d', dataset, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const { summary, rows } = await outputs(out);
    // word-count fails (5 words, at most 3): score (1 + 2) / 4.
    expect(summary.cells[0]?.assertions).toMatchObject({
      passed: 1,
      failed: 0,
      score: 0.75,
      metrics: { facts: { score: 1, passed: 1, failed: 0 }, style: { score: 0, passed: 0, failed: 1 } },
    });
    expect(rows[0]?.assert_score).toBe('0.7500');
  });
});
