import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import type { CellSummary, Outcome, RequestRecord, RunSummary } from '../../src/metrics/types.js';
import { compareRunFolders, renderCompareHtml, renderComparisonMarkdown, renderDeltaChart, writeComparisonReports } from '../../src/report/compare/index.js';
import { openRequestsCsv } from '../../src/report/requests-csv.js';
import { writeSummaryJson } from '../../src/report/summary-json.js';
import { seededRandom } from '../../src/util/random.js';
import { makeCell, makeRecord, makeSummary, withTempDir } from './fixtures.js';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> http://evil.example/';

interface CellSpec {
  cell: Partial<CellSummary>;
  /** Multiplies every timing. */
  scale?: number;
  seed: number;
  n?: number;
  failed?: number;
}

function lognormal(random: () => number, median: number): number {
  const z = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  return median * Math.exp(0.3 * z);
}

/** A run folder with summary.json and requests.csv made from lognormal timings. */
async function writeRun(dir: string, specs: CellSpec[], simulated = false): Promise<void> {
  await mkdir(dir, { recursive: true });
  const cells: CellSummary[] = [];
  const csv = openRequestsCsv(join(dir, 'requests.csv'));
  let seq = 0;
  for (const spec of specs) {
    const random = seededRandom(spec.seed);
    const n = spec.n ?? 400;
    const failed = spec.failed ?? 0;
    let clock = 0;
    const outcomes: Record<Outcome, number> = { ok: 0, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 };
    const cell = makeCell({ errors: {}, ...spec.cell });
    for (let i = 0; i < n; i++) {
      const isFailed = i < failed;
      const ttft = lognormal(random, 300) * (spec.scale ?? 1);
      const latency = ttft + lognormal(random, 900) * (spec.scale ?? 1);
      clock += 40 + random() * 20;
      const record: RequestRecord = isFailed
        ? makeRecord({
            seq,
            cellId: cell.id,
            outcome: 'failed',
            errorCode: '336100',
            errorMsg: 'busy',
            output: '',
            latencyMs: undefined,
            ttftMs: undefined,
            schedOffsetMs: clock,
          })
        : makeRecord({
            seq,
            cellId: cell.id,
            latencyMs: latency,
            latencySchedMs: latency,
            ttftMs: ttft,
            schedOffsetMs: clock,
            promptTokens: 40,
            completionTokens: 100 + Math.floor(random() * 20),
          });
      outcomes[record.outcome] += 1;
      csv.write(record);
      seq += 1;
    }
    cells.push({ ...cell, planned: n, outcomes, throughput: { requestsPerSec: 20 / (spec.scale ?? 1), outputTokensPerSec: 2200 / (spec.scale ?? 1) } });
  }
  await csv.close();
  const summary: RunSummary = { ...makeSummary({ simulated, cells }) };
  await writeSummaryJson(join(dir, 'summary.json'), summary);
}

const speed = { id: 'c0', model: 'ernie-speed-8k', label: 'ernie-speed-8k temperature=0.3', params: { temperature: 0.3 } };
const pro = { id: 'c1', model: 'ernie-4.0-8k', label: 'ernie-4.0-8k temperature=0.3', params: { temperature: 0.3 } };

function delta(result: Awaited<ReturnType<typeof compareRunFolders>>, cell: number, metric: string) {
  const found = result.matched[cell]!.deltas.find((d) => d.metric === metric);
  expect(found, metric).toBeDefined();
  return found!;
}

describe('compareRunFolders', () => {
  it('calls two runs of the same distribution "no significant change"', async () => {
    await withTempDir(async (dir) => {
      await writeRun(join(dir, 'a'), [{ cell: speed, seed: 1 }]);
      await writeRun(join(dir, 'b'), [{ cell: speed, seed: 2 }]);
      const result = await compareRunFolders(join(dir, 'a'), join(dir, 'b'));
      expect(result.matched).toHaveLength(1);
      for (const metric of ['latency.p50', 'latency.p95', 'latency.p99', 'ttft.p50', 'ttft.p95', 'errorRate', 'throttledRate']) {
        expect(delta(result, 0, metric).verdict, metric).toBe('no significant change');
      }
      expect(result.matched[0]!.rankTests.latency!.pValue).toBeGreaterThanOrEqual(0.05);
      expect(result.hasRegression).toBe(false);
      expect(result.regressions).toBe(0);
    });
  });

  it('finds a 30% slower candidate a regression, with the interval excluding 0', async () => {
    await withTempDir(async (dir) => {
      await writeRun(join(dir, 'a'), [{ cell: speed, seed: 1 }]);
      await writeRun(join(dir, 'b'), [{ cell: speed, seed: 2, scale: 1.3 }]);
      const result = await compareRunFolders(join(dir, 'a'), join(dir, 'b'));
      for (const metric of ['latency.p50', 'latency.p95', 'ttft.p50', 'ttft.p95']) {
        const d = delta(result, 0, metric);
        expect(d.verdict, metric).toBe('regression');
        expect(d.interval!.low).toBeGreaterThan(0);
        expect(d.relative!).toBeGreaterThan(0.15);
        expect(d.confidenceStatement).toMatch(/excludes 0 and \+\d+\.\d% is beyond ±5%/);
      }
      expect(result.matched[0]!.rankTests.ttft!.pValue).toBeLessThan(0.001);
      expect(result.hasRegression).toBe(true);
      // The same data the other way round is an improvement.
      const reverse = await compareRunFolders(join(dir, 'b'), join(dir, 'a'));
      expect(delta(reverse, 0, 'latency.p50').verdict).toBe('improvement');
      // A tolerance beyond the change calls nothing.
      const tolerant = await compareRunFolders(join(dir, 'a'), join(dir, 'b'), { tolerance: 0.6 });
      expect(tolerant.regressions).toBe(0);
    });
  });

  it('flags a rise in errors and matches cells by model and parameters, listing the rest', async () => {
    await withTempDir(async (dir) => {
      const other = { id: 'c9', model: 'ernie-lite-8k', label: 'ernie-lite-8k', params: {} };
      await writeRun(join(dir, 'a'), [
        { cell: speed, seed: 1 },
        { cell: pro, seed: 3 },
      ]);
      await writeRun(join(dir, 'b'), [
        { cell: { ...pro, id: 'x1' }, seed: 4 },
        { cell: { ...speed, id: 'x0' }, seed: 2, failed: 40 },
        { cell: other, seed: 5 },
      ]);
      const result = await compareRunFolders(join(dir, 'a'), join(dir, 'b'));
      expect(result.matched.map((m) => m.label)).toEqual([speed.label, pro.label]);
      expect(result.unmatched.base).toEqual([]);
      expect(result.unmatched.candidate.map((c) => c.label)).toEqual(['ernie-lite-8k']);
      const errors = delta(result, 0, 'errorRate');
      expect(errors.verdict).toBe('regression');
      expect(errors.pValue!).toBeLessThan(0.001);
      expect(delta(result, 1, 'errorRate').verdict).toBe('no significant change');
      const markdown = renderComparisonMarkdown(result);
      expect(markdown).toContain('| ernie-speed-8k temperature=0.3 | error rate | 0.00% | 10.00% | +10.00 pp |');
      expect(markdown).toContain('Only in candidate: ernie-lite-8k');
    });
  });

  it('compares cost when both cells carry it and never invents a 0', async () => {
    // A whole cost entry: summary.json is read back through its schema.
    const cost = (cny: number | null): Partial<CellSummary> => ({
      cost: { cny, inputCny: cny, outputCny: 0, price: null, estimatedTokenRequests: 0, simulated: true },
    });
    await withTempDir(async (dir) => {
      await writeRun(join(dir, 'a'), [
        { cell: { ...speed, ...cost(0.5) }, seed: 1 },
        { cell: { ...pro, ...cost(1.2) }, seed: 3 },
      ]);
      await writeRun(join(dir, 'b'), [
        { cell: { ...speed, ...cost(0.6) }, seed: 2 },
        { cell: { ...pro, ...cost(null) }, seed: 4 },
      ]);
      const result = await compareRunFolders(join(dir, 'a'), join(dir, 'b'));
      const known = delta(result, 0, 'cost.cny');
      expect(known.delta).toBeCloseTo(0.1, 9);
      expect(known.verdict).toBe('not tested');
      const unknown = delta(result, 1, 'cost.cny');
      expect(unknown.candidate).toBeNull();
      expect(unknown.delta).toBeNull();
      expect(unknown.verdict).toBe('insufficient data');
      expect(renderComparisonMarkdown(result)).toMatch(/cost \(CNY\) \| ¥1\.200 \| – \| – \|/);
    });
  });

  it('pairs the load points of a sweep', async () => {
    await withTempDir(async (dir) => {
      const at = (value: number, id: string): Partial<CellSummary> => ({ ...speed, id, load: { kind: 'concurrency', value } }) as Partial<CellSummary>;
      await writeRun(join(dir, 'a'), [
        { cell: at(4, 'a4'), seed: 1, n: 50 },
        { cell: at(8, 'a8'), seed: 2, n: 50 },
      ]);
      await writeRun(join(dir, 'b'), [
        { cell: at(8, 'b8'), seed: 3, n: 50 },
        { cell: at(16, 'b16'), seed: 4, n: 50 },
      ]);
      const result = await compareRunFolders(join(dir, 'a'), join(dir, 'b'));
      expect(result.matched.map((m) => [m.base.id, m.candidate.id])).toEqual([['a8', 'b8']]);
      expect(result.matched[0]!.label).toBe(`${speed.label} @ c=8`);
      expect(result.unmatched.base.map((c) => c.id)).toEqual(['a4']);
      expect(result.unmatched.candidate.map((c) => c.id)).toEqual(['b16']);
    });
  });

  it('says what is missing instead of failing obscurely', async () => {
    await withTempDir(async (dir) => {
      await writeRun(join(dir, 'a'), [{ cell: speed, seed: 1, n: 3 }]);
      await writeRun(join(dir, 'b'), [{ cell: speed, seed: 2, n: 3 }]);
      const small = await compareRunFolders(join(dir, 'a'), join(dir, 'b'));
      expect(delta(small, 0, 'latency.p50').verdict).toBe('insufficient data');
      await rm(join(dir, 'b', 'requests.csv'));
      const error = await compareRunFolders(join(dir, 'a'), join(dir, 'b')).catch((e: unknown) => e);
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toMatch(/requests\.csv: missing/);
    });
  });
});

describe('compare.html and compare.md', () => {
  it('escapes hostile names, draws the delta chart inline, loads nothing', async () => {
    await withTempDir(async (dir) => {
      const hostile = { id: 'h', model: HOSTILE, label: HOSTILE, params: { note: HOSTILE } };
      await writeRun(join(dir, 'a'), [{ cell: hostile, seed: 1 }], true);
      await writeRun(join(dir, 'b'), [{ cell: hostile, seed: 2, scale: 1.3 }]);
      const result = await compareRunFolders(join(dir, 'a'), join(dir, 'b'));
      const written = await writeComparisonReports(result, join(dir, 'out'));
      const html = await readFile(written.htmlPath, 'utf8');
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img');
      expect(html).not.toMatch(/https?:\/\//i);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;&#47;script&gt;');
      expect(html).toMatch(/<svg role="img"/);
      expect(html).toContain('SIMULATED');
      expect(html).toContain('verdict-regression');
      // The only script is the JSON data block, which parses back to the result.
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts).toHaveLength(1);
      expect(scripts[0]![1]).toContain('type="application/json"');
      expect(JSON.parse(scripts[0]![2]!).regressions).toBe(result.regressions);
      const markdown = await readFile(written.markdownPath, 'utf8');
      expect(markdown).toBe(written.markdown);
      expect(markdown).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(markdown).not.toContain('<script>');
      // Table rows keep their column count whatever the names hold.
      const row = markdown.split('\n').find((line) => line.includes('latency p50'))!;
      expect(row.split(/(?<!\\)\|/).length).toBe(11);
    });
  });

  it('renders without a chart when nothing can be charted', async () => {
    await withTempDir(async (dir) => {
      await writeRun(join(dir, 'a'), [{ cell: speed, seed: 1 }]);
      await writeRun(join(dir, 'b'), [{ cell: pro, seed: 2 }]);
      const result = await compareRunFolders(join(dir, 'a'), join(dir, 'b'));
      expect(result.matched).toEqual([]);
      expect(await renderDeltaChart(result)).toBeUndefined();
      const html = renderCompareHtml(result);
      expect(html).toContain('No cell matched.');
      expect(renderComparisonMarkdown(result)).toContain('No cell matched');
    });
  });
});
