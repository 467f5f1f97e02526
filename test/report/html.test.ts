import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, renderHtmlReport, renderHtmlReportWithCharts } from '../../src/report/html.js';
import { REQUEST_FILTER_SCRIPT } from '../../src/report/html-requests.js';
import { CELL_SORT_SCRIPT } from '../../src/report/html-cells.js';
import { createHistogram, encodeHistogram, recordMs } from '../../src/metrics/histogram.js';
import type { CellSummary } from '../../src/metrics/types.js';
import { dist, makeCell, makeRecord, makeSummary } from './fixtures.js';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert('x')"> & "quotes"`;
const HOSTILE_ANSWER = '<script>alert(1)</script><img src=x onerror=alert(2)>';

/** Tags of the page with attribute values blanked (values are escaped, so this finds real attributes only). */
function tags(page: string): string[] {
  return (page.match(/<[^>]*>/g) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
}

/** Script elements other than JSON data blocks, the request filter and the cell table's sort. */
function foreignScripts(page: string): string[] {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)]
    .filter(([, attrs, body]) => !/type="application\/json"/.test(attrs!) && body !== REQUEST_FILTER_SCRIPT && body !== CELL_SORT_SCRIPT)
    .map(([whole]) => whole);
}

function histogramOf(values: number[]): string {
  const h = createHistogram();
  for (const v of values) recordMs(h, v);
  return encodeHistogram(h);
}

function cellWithHistograms(id: string, model: string, scale: number, extra: Partial<CellSummary> = {}): CellSummary {
  const latencies = Array.from({ length: 200 }, (_, i) => (800 + i * 3) * scale);
  const ttfts = Array.from({ length: 200 }, (_, i) => (200 + i) * scale);
  return makeCell({
    id,
    model,
    label: `${model} temperature=0.3`,
    histograms: { latency: histogramOf(latencies), ttft: histogramOf(ttfts) },
    ...extra,
  });
}

function embeddedJson(page: string): unknown {
  const match = /<script type="application\/json" id="qfbench-summary">([\s\S]*?)<\/script>/.exec(page);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

describe('renderHtmlReport', () => {
  it('escapes a hostile model answer and a hostile model name', () => {
    const summary = makeSummary({
      cells: [makeCell({ model: HOSTILE, label: HOSTILE, errors: { '<b>': { count: 1, message: HOSTILE } } })],
    });
    const page = renderHtmlReport(summary, {
      requests: [makeRecord({ output: HOSTILE, rowId: HOSTILE }), makeRecord({ seq: 1, outcome: 'failed', errorMsg: HOSTILE, output: '' })],
    });
    // The only scripts are the JSON data block and the filter; no data-made tags or handlers.
    expect(foreignScripts(page)).toEqual([]);
    expect(page).not.toContain('<img');
    expect(tags(page).filter((tag) => /\son[a-z]+\s*=/i.test(tag))).toEqual([]);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;&#47;script&gt;');
    expect(page).toContain('&quot;quotes&quot;');
    expect(page).toContain('&#39;x&#39;');
    // The embedded JSON cannot close its element and still parses back to the summary.
    expect(embeddedJson(page)).toEqual(summary);
  });

  it('is self-contained: no external URL anywhere', () => {
    const summary = makeSummary();
    const page = renderHtmlReport(summary, {
      requests: [makeRecord({ output: 'see https://example.com/x.png and http://evil.example/' })],
    });
    expect(summary.run.baseUrl).toMatch(/^https:\/\//);
    expect(page).not.toMatch(/https?:\/\//i);
    expect(page).not.toMatch(/<[^>]+\s(?:src|srcset|action|poster|data)\s*=/i);
    // Links are in-page anchors only.
    for (const [, target] of page.matchAll(/\shref="([^"]*)"/g)) expect(target).toMatch(/^#[a-z-]+$/);
    expect(page).not.toMatch(/url\(|@import/i);
    expect(page).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<link\b/i);
    // The base URL is still shown (as escaped text).
    expect(page).toContain('https:&#47;&#47;qianfan.baidubce.com&#47;v2');
  });

  it('shows SIMULATED when simulated, and not otherwise', () => {
    const sim = renderHtmlReport(makeSummary({ simulated: true }), { requests: [makeRecord()] });
    expect(sim).toContain('class="sim-banner"');
    expect(sim).toMatch(/<strong>SIMULATED<\/strong>/);
    expect(sim).toMatch(/<title>\[SIMULATED\]/);
    // Each figure table carries the tag.
    const tables = sim.match(/<table[\s\S]*?<\/table>/g) ?? [];
    expect(tables.length).toBeGreaterThanOrEqual(3);
    for (const table of tables) expect(table).toContain('<span class="sim-tag">simulated</span>');

    const real = renderHtmlReport(makeSummary({ simulated: false }), { requests: [makeRecord()] });
    expect(real).not.toContain('SIMULATED');
    expect(real).not.toContain('class="sim-banner"');
    expect(real).not.toContain('class="sim-tag"');
  });

  it('shows run metadata, the comparison, errors by code and the requests', () => {
    const page = renderHtmlReport(makeSummary(), {
      requests: [
        makeRecord({ rowId: 'row-42', output: '中文回答' }),
        makeRecord({ seq: 1, outcome: 'throttled', errorCode: '18', errorMsg: 'qps limit', output: '' }),
      ],
    });
    for (const text of [
      'ernie-speed-8k',
      'ernie-4.0-8k',
      'temperature = 0.3, 0.9',
      'datasets&#47;demo.csv (5 rows)',
      '2025-01-02T03:04:05.000Z',
      'qianfan-v2',
      '0.1.0',
      '336003',
      'invalid argument',
      'row-42',
      '中文回答',
      'qps limit',
      '1200.0',
      '2400.0',
      '192.0',
    ]) {
      expect(page).toContain(text);
    }
    expect(page).toContain('<dt>Seed</dt><dd>7</dd>');
  });

  it('shows at most 2000 requests and cuts long answers', () => {
    const requests = Array.from({ length: 2500 }, (_, seq) => makeRecord({ seq, rowId: `row-${seq}`, output: `${'长'.repeat(400)}END${seq}` }));
    const page = renderHtmlReport(makeSummary(), { requests });
    expect(page).toContain('row-1999<');
    expect(page).not.toContain('row-2000<');
    expect(page).toContain('Showing the first 2000 of 2500 requests');
    // The request table cuts answers; the outputs section keeps the rest behind "more" (bounded too).
    const table = page.slice(page.indexOf('<section id="requests">'));
    expect(table).not.toContain('END0');
    expect(table).toContain(`${'长'.repeat(300)}…`);
    expect(table).not.toContain('长'.repeat(301));
    const outputs = page.slice(page.indexOf('<section id="outputs">'), page.indexOf('<section id="requests">'));
    expect(outputs).toContain('Showing 200 of 2000 rows');
    expect(outputs.match(/<details>/g)).toHaveLength(200);
  });

  it('allows its one inline script by hash in the Content-Security-Policy, and nothing else', () => {
    const page = renderHtmlReport(makeSummary(), { requests: [makeRecord()] });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)![1]!;
    const hash = createHash('sha256').update(REQUEST_FILTER_SCRIPT, 'utf8').digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:/);
    expect(page).toContain(`<script>${REQUEST_FILTER_SCRIPT}</script>`);
    // Filters are hidden until the script shows them; rows carry what they filter on.
    expect(page).toContain('<div class="filters" id="request-filters" hidden>');
    expect(page).toContain('data-cell="c0" data-outcome="ok"');
  });

  it('shows cost when cells carry it, and "unknown" (never 0) when it could not be priced', () => {
    const summary = makeSummary({
      cells: [
        makeCell({ id: 'c0', ...({ cost: { cny: 0.0123 } } as object) }),
        makeCell({ id: 'c1', label: 'unpriced', ...({ cost: { cny: null } } as object) }),
      ],
    });
    const page = renderHtmlReport(summary);
    expect(page).toContain('¥0.0123');
    expect(page).toContain('<span class="unknown">unknown</span>');
    expect(page).not.toContain('¥0<');
    expect(renderHtmlReport(makeSummary())).not.toContain('CNY');
  });

  it('renders a summary of an older run without the optional fields (load, stages, cost, assertions)', () => {
    const summary = makeSummary();
    delete summary.load;
    delete summary.stages;
    delete summary.cost;
    for (const cell of summary.cells) {
      delete cell.cost;
      delete cell.assertions;
      delete cell.load;
    }
    const page = renderHtmlReport(summary);
    expect(page).toContain('<dt>Seed</dt>');
    expect(page).not.toContain('id="load"');
  });

  it('works without requests and without errors', () => {
    const summary = makeSummary({ cells: [makeCell({ errors: {} })] });
    const page = renderHtmlReport(summary);
    expect(page).toContain('No errors.');
    expect(page).not.toContain('id="requests"');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
  });
});

describe('renderHtmlReportWithCharts', () => {
  it('draws the charts as inline SVG from the decoded histograms, with no script and no URL', async () => {
    const summary = makeSummary({
      simulated: true,
      cells: [cellWithHistograms('c0', 'ernie-speed-8k', 1), cellWithHistograms('c1', HOSTILE, 1.3)],
    });
    const page = await renderHtmlReportWithCharts(summary, {
      requests: [makeRecord({ output: HOSTILE_ANSWER }), makeRecord({ seq: 1, cellId: 'c1', outcome: 'timeout', errorMsg: HOSTILE })],
    });
    const svgs = page.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];
    for (const id of ['latency-cdf', 'ttft-cdf', 'throughput', 'error-rate', 'tokens']) expect(page).toContain(`id="chart-${id}"`);
    expect(svgs.length).toBe(5);
    for (const svg of svgs) {
      expect(svg).toMatch(/<svg role="img" aria-label="[^"]+"/);
      expect(svg).toMatch(/<path|<rect/);
    }
    // The latency curves come from the histograms: the CDF's x axis reaches the slow cell's max (1.3 * 1397 ms).
    expect(page).toMatch(/class="mark-line role-mark[^"]*"/);
    expect(page).toContain('1,800');
    expect(page).not.toMatch(/https?:\/\//i);
    expect(foreignScripts(page)).toEqual([]);
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;&#47;script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(tags(page).filter((tag) => /\son[a-z]+\s*=|<img\b|<foreignObject\b/i.test(tag))).toEqual([]);
    expect(page).toContain('SIMULATED');
  });

  it('says SIMULATED only for simulated runs', async () => {
    const real = await renderHtmlReportWithCharts(makeSummary({ cells: [cellWithHistograms('c0', 'ernie-speed-8k', 1)] }));
    expect(real).not.toContain('SIMULATED');
    expect(real).toContain('<svg');
  });

  it('plots latency against load for a sweep, one line per model and parameters', async () => {
    const cells = [2, 4, 8].flatMap((c) => [
      makeCell({ id: `a${c}`, model: 'ernie-speed-8k', latencyMs: dist(100 * c), load: { kind: 'concurrency', value: c } } as Partial<CellSummary>),
      makeCell({ id: `b${c}`, model: 'ernie-4.0-8k', latencyMs: dist(150 * c), load: { kind: 'concurrency', value: c } } as Partial<CellSummary>),
    ]);
    const page = await renderHtmlReportWithCharts(makeSummary({ cells }));
    expect(page).toContain('id="chart-load-concurrency"');
    // A plain run's single load point draws no such chart.
    const plain = await renderHtmlReportWithCharts(makeSummary({ cells: [makeCell({ load: { kind: 'concurrency', value: 8 } } as Partial<CellSummary>)] }));
    expect(plain).not.toContain('chart-load-');
  });
});

describe('escaping helpers', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`& < > " '`)).toBe('&amp; &lt; &gt; &quot; &#39;');
    expect(escapeHtml('中文')).toBe('中文');
  });

  it('makes JSON safe inside a script element', () => {
    const value = { a: '</script><!-- \u2028\u2029 & https://x' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>\u2028\u2029]/);
    expect(json).not.toContain('//');
    expect(JSON.parse(json)).toEqual(value);
  });
});
