/** Cost in every text output: per cell and in total, "unknown" (never 0) where a model has no price. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { summaryCost } from '../../src/cost/summary-cost.js';
import type { CellCostSummary, CellSummary, RunSummary } from '../../src/metrics/types.js';
import { formatSummaryTable } from '../../src/report/console-table.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { renderRunMarkdown } from '../../src/report/markdown.js';
import { COST_CSV_COLUMNS, renderSummaryCsv, SUMMARY_CSV_COLUMNS } from '../../src/report/summary-csv.js';
import { makeCell, makeSummary } from '../report/fixtures.js';

const PRICE = { model: 'ERNIE-4.0-8K', inputPer1k: 0.12, outputPer1k: 0.12, effectiveFrom: '2024-01-01', source: 'SDK table' };

function priced(cny: number): CellCostSummary {
  return { cny, inputCny: cny / 4, outputCny: (cny * 3) / 4, price: PRICE, estimatedTokenRequests: 0, simulated: false };
}
const UNKNOWN: CellCostSummary = { cny: null, inputCny: null, outputCny: null, price: null, estimatedTokenRequests: 0, simulated: false };

function costedSummary(second: CellCostSummary, extra: Partial<NonNullable<RunSummary['cost']>> = {}, simulated = false): RunSummary {
  const cells: CellSummary[] = [
    makeCell({ id: 'c1', label: 'ERNIE-4.0-8K', model: 'ERNIE-4.0-8K', cost: priced(0.24) }),
    makeCell({ id: 'c2', label: 'Meta-Llama-3-8B', model: 'Meta-Llama-3-8B', cost: second }),
  ];
  const summary = makeSummary({ cells, simulated });
  const unknown = second.cny === null;
  summary.cost = {
    currency: 'CNY',
    totalCny: unknown ? null : 0.24 + (second.cny as number),
    knownCny: unknown ? 0.24 : 0.24 + (second.cny as number),
    unpricedModels: unknown ? ['Meta-Llama-3-8B'] : [],
    priceDate: '2025-01-02',
    simulated,
    tokens: { prompt: 640, completion: 1920, total: 2560 },
    ...extra,
  };
  return summary;
}

describe('cost in the outputs', () => {
  it('console: a CNY column, "unknown" for an unpriced model, and an unknown total', () => {
    const table = formatSummaryTable(costedSummary(UNKNOWN));
    const lines = table.split('\n');
    expect(lines[1]).toMatch(/\s+cost CNY$/);
    expect(lines[3]).toMatch(/ERNIE-4\.0-8K.*\s0\.240$/);
    expect(lines[4]).toMatch(/Meta-Llama-3-8B.*\sunknown$/);
    expect(table).toContain('total cost: unknown (no price for Meta-Llama-3-8B; the priced cells: ¥0.240 at the prices of 2025-01-02)');
    expect(table).not.toMatch(/¥0(\.0+)?\b(?!\.)/);
  });

  it('console: a known total, the simulated label, the budget stop and the estimate check', () => {
    const summary = costedSummary(
      priced(0.12),
      {
        budget: { maxCostCny: 0.3, stopReason: 'budget stop: --max-cost 0.3 CNY reached', dropped: 7 },
        estimateCheck: {
          estimate: {
            requests: 20,
            inputTokens: 600,
            outputTokens: { low: 640, expected: 4000, high: 20480 },
            costCny: { low: 0.15, expected: 0.55, high: 2.53 },
            tokenizer: 'local',
          },
          actual: { requests: 20, ok: 18, inputTokens: 640, outputTokens: 1920, costCny: 0.36 },
        },
      },
      true,
    );
    const table = formatSummaryTable(summary);
    expect(table).toContain('total cost: ¥0.360 at the prices of 2025-01-02 (SIMULATED: simulator token counts at real prices)');
    expect(table).toContain('budget stop: --max-cost 0.3 CNY reached; 7 request(s) dropped');
    expect(table).toMatch(/estimate check:\n\s+estimate \(low \/ expected \/ high\)\s+actual/);
    expect(table).toMatch(/requests\s+20\s+20 \(18 ok\)/);
    expect(table).toMatch(/input tokens\s+600 \(local tokenizer\)\s+640 \(\+6\.7% vs expected\)/);
    expect(table).toMatch(/cost\s+¥0\.150 \/ ¥0\.550 \/ ¥2\.530\s+¥0\.360/);
  });

  it('summary.csv: cost columns, "unknown" (never 0 or blank) for an unpriced cell, and a TOTAL row', () => {
    const rows = parse(renderSummaryCsv(costedSummary(UNKNOWN)), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...SUMMARY_CSV_COLUMNS, ...COST_CSV_COLUMNS]);
    expect(rows[0]).toMatchObject({
      cell: 'c1',
      cost_cny: '0.24',
      cost_input_cny: '0.06',
      cost_output_cny: '0.18',
      price_input_per_1k: '0.12',
      price_effective_from: '2024-01-01',
      price_source: 'SDK table',
    });
    expect(rows[1]).toMatchObject({ cell: 'c2', cost_cny: 'unknown', cost_input_cny: 'unknown', price_input_per_1k: 'unknown', price_source: 'unknown' });
    expect(rows[2]).toMatchObject({ cell: 'TOTAL', planned: '20', ok: '16', prompt_tokens: '640', cost_cny: 'unknown', simulated: 'false' });
    const known = parse(renderSummaryCsv(costedSummary(priced(0.12))), { columns: true }) as Record<string, string>[];
    expect(known.at(-1)).toMatchObject({ cell: 'TOTAL', cost_cny: '0.36', cost_input_cny: '0.09', cost_output_cny: '0.27' });
    // A run without cost keeps the plain columns and no TOTAL row.
    const plain = parse(renderSummaryCsv(makeSummary()), { columns: true }) as Record<string, string>[];
    expect(Object.keys(plain[0]!)).toEqual([...SUMMARY_CSV_COLUMNS]);
    expect(plain.map((row) => row['cell'])).toEqual(['c0', 'c1']);
  });

  it('Markdown and HTML: "unknown" per cell and in total', () => {
    const summary = costedSummary(UNKNOWN);
    const markdown = renderRunMarkdown(summary);
    expect(markdown).toMatch(/\| cost CNY \|/);
    expect(markdown).toMatch(/Meta-Llama-3-8B.*\| unknown \|/);
    expect(markdown).toContain('**Total cost: unknown (no price for Meta-Llama-3-8B; the priced cells: ¥0.240 at the prices of 2025-01-02)**');
    const html = renderHtmlReport(summary);
    expect(html).toContain('<span class="unknown">unknown</span>');
    expect(html).toContain('¥0.240');
  });

  it('reads an unknown cost as unknown, never as 0 (a malformed one is refused when the file is read: test/report/summary-json.test.ts)', () => {
    const summary = costedSummary(priced(0.12));
    summary.cells[1]!.cost = { ...summary.cells[1]!.cost!, cny: null };
    expect(summaryCost(summary)).toMatchObject({ totalCny: null, knownCny: 0.24, unpricedModels: ['Meta-Llama-3-8B'] });
    expect(summaryCost(makeSummary())).toBeUndefined();
  });
});
