import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addCny, costOfTokens } from '../../src/cost/cost.js';
import { beijingDate, builtInPriceEntries, findPrice, loadPriceTable, parsePriceFile, type PriceTable } from '../../src/cost/prices.js';
import { BUILT_IN_CATALOG } from '../../src/qianfan/spec/catalog.js';
import { tempDir } from '../helpers/cli.js';

const builtIn: PriceTable = { builtIn: builtInPriceEntries(), overrides: [] };

describe('the built-in price table', () => {
  it('has a dated, sourced entry for every priced model, one per date', () => {
    const entries = builtInPriceEntries();
    expect(entries.length).toBeGreaterThan(40);
    for (const entry of entries) {
      expect(entry.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.source.length).toBeGreaterThan(10);
    }
    // Every priced name is a catalog model (or the announcement's ERNIE-Lite-128K, which the catalog lacks).
    const names = new Set(BUILT_IN_CATALOG.models.map((model) => model.name));
    expect(entries.filter((entry) => !names.has(entry.model)).map((entry) => entry.model)).toEqual(['ERNIE-Lite-128K', 'ERNIE-Lite-128K']);
  });

  it('keeps both Speed/Lite/Tiny entries and picks the newest one effective on the date', () => {
    for (const model of ['ERNIE-Speed-8K', 'ERNIE-Speed-128K', 'ERNIE-Lite-8K', 'ERNIE-Tiny-8K']) {
      expect(builtInPriceEntries().filter((entry) => entry.model === model)).toHaveLength(2);
    }
    expect(findPrice(builtIn, ['ERNIE-Speed-8K'], '2024-05-20')).toMatchObject({ inputPer1k: 0.004, outputPer1k: 0.008, effectiveFrom: '2024-01-01' });
    expect(findPrice(builtIn, ['ERNIE-Speed-8K'], '2024-05-21')).toMatchObject({ inputPer1k: 0, outputPer1k: 0, effectiveFrom: '2024-05-21' });
    expect(findPrice(builtIn, ['ERNIE-Lite-8K'], '2025-03-01')).toMatchObject({ inputPer1k: 0, outputPer1k: 0 });
    expect(findPrice(builtIn, ['ERNIE-Tiny-8K'], '2024-05-01')).toMatchObject({ inputPer1k: 0.001, outputPer1k: 0.001 });
    expect(findPrice(builtIn, ['ERNIE-4.0-8K'], '2025-03-01')).toMatchObject({ inputPer1k: 0.12, outputPer1k: 0.12 });
    expect(findPrice(builtIn, ['Embedding-V1'], '2025-03-01')).toMatchObject({ inputPer1k: 0.002, outputPer1k: 0 });
    // Before the first dated entry there is no price, not a guess.
    expect(findPrice(builtIn, ['ERNIE-4.0-8K'], '2023-06-01')).toBeUndefined();
  });

  it('matches names like the catalog (case, spaces, underscores) and leaves unpriced models unknown', () => {
    expect(findPrice(builtIn, ['ernie speed_8k'], '2024-05-01')?.model).toBe('ERNIE-Speed-8K');
    expect(findPrice(builtIn, ['Meta-Llama-3-8B'], '2025-01-01')).toBeUndefined();
    expect(findPrice(builtIn, ['my_custom_service'], '2025-01-01')).toBeUndefined();
  });

  it('prices tokens per 1,000 and keeps an unknown price unknown', () => {
    expect(costOfTokens({ inputPer1k: 0.12, outputPer1k: 0.12 }, 1500, 500)).toEqual({ inputCny: 0.18, outputCny: 0.06, cny: 0.24 });
    expect(costOfTokens({ inputPer1k: 0.004, outputPer1k: 0.008 }, 1000, 1000)).toEqual({ inputCny: 0.004, outputCny: 0.008, cny: 0.012 });
    expect(costOfTokens(null, 1000, 1000)).toBeNull();
    expect(costOfTokens(undefined, 0, 0)).toBeNull();
    expect(addCny(0.1, 0.2)).toBe(0.3);
    expect(addCny(0.1, null)).toBeNull();
  });

  it('dates runs in Beijing time', () => {
    expect(beijingDate(new Date('2024-05-20T15:59:59Z'))).toBe('2024-05-20');
    expect(beijingDate(new Date('2024-05-20T16:00:00Z'))).toBe('2024-05-21');
  });
});

describe('--prices FILE', () => {
  it('extends the table and overrides built-in entries for the models it prices', async () => {
    const dir = await tempDir();
    const file = join(dir, 'prices.json');
    await writeFile(
      file,
      JSON.stringify({
        prices: [
          { model: 'Meta-Llama-3-8B', inputPer1k: 0.003, outputPer1k: 0.006, effectiveFrom: '2024-06-01', source: 'our contract' },
          { model: 'ERNIE-4.0-8K', inputPer1k: 0.03, outputPer1k: 0.09 },
          { model: 'ERNIE-Speed-8K', inputPer1k: 0.001, outputPer1k: 0.002, effectiveFrom: '2025-01-01' },
        ],
      }),
    );
    const table = await loadPriceTable(file);
    expect(findPrice(table, ['Meta-Llama-3-8B'], '2024-07-01')).toMatchObject({ inputPer1k: 0.003, source: 'our contract' });
    expect(findPrice(table, ['Meta-Llama-3-8B'], '2024-05-01')).toBeUndefined();
    // Without effectiveFrom an override applies at every date; its source is the file.
    expect(findPrice(table, ['ERNIE-4.0-8K'], '2023-01-01')).toMatchObject({ inputPer1k: 0.03, outputPer1k: 0.09, source: `--prices ${file}` });
    // A dated override applies from its date; before it, the built-in entries do.
    expect(findPrice(table, ['ERNIE-Speed-8K'], '2025-02-01')).toMatchObject({ inputPer1k: 0.001 });
    expect(findPrice(table, ['ERNIE-Speed-8K'], '2024-12-01')).toMatchObject({ inputPer1k: 0, effectiveFrom: '2024-05-21' });
    // A bare array is accepted too.
    expect(parsePriceFile('[{"model":"x","inputPer1k":1,"outputPer1k":2}]', 'p.json')).toHaveLength(1);
  });

  it.each([
    ['{not json', /--prices p\.json: not valid JSON/],
    ['{"entries": []}', /--prices p\.json: expected \{"prices": \[/],
    ['{"currency": "USD", "prices": []}', /--prices p\.json: currency "USD": prices are in CNY/],
    ['{"prices": [42]}', /--prices p\.json: prices\[0\]: expected an object/],
    ['{"prices": [{"inputPer1k": 1, "outputPer1k": 1}]}', /--prices p\.json: prices\[0\]\.model: expected the model name/],
    [
      '{"prices": [{"model": "A", "inputPer1k": 0.1, "outputPer1k": "cheap"}]}',
      /--prices p\.json: prices\[0\] \(A\)\.outputPer1k: expected the CNY price per 1,000 output tokens.*got "cheap"/,
    ],
    [
      '{"prices": [{"model": "A", "inputPer1k": 0.1, "outputPer1k": 0.1}, {"model": "B", "inputPer1k": -1, "outputPer1k": 0}]}',
      /prices\[1\] \(B\)\.inputPer1k: a price is 0 or more, got -1/,
    ],
    [
      '{"prices": [{"model": "A", "inputPer1k": 0.1, "outputPer1k": 0.1, "effectiveFrom": "2024-02-30"}]}',
      /prices\[0\] \(A\)\.effectiveFrom: not a real calendar date, got "2024-02-30"/,
    ],
    [
      '{"prices": [{"model": "A", "inputPer1k": 0.1, "outputPer1k": 0.1, "effectiveFrom": "21.05.2024"}]}',
      /prices\[0\] \(A\)\.effectiveFrom: expected a date YYYY-MM-DD/,
    ],
    ['{"prices": [{"model": "A", "input": 0.1, "inputPer1k": 0.1, "outputPer1k": 0.1}]}', /prices\[0\] \(A\): unknown field "input"/],
    [
      '{"prices": [{"model": "A", "inputPer1k": 0.1, "outputPer1k": 0.1}, {"model": "a", "inputPer1k": 0.2, "outputPer1k": 0.2}]}',
      /prices\[1\] \(a\): prices\[0\] already prices a from any date \(no effectiveFrom\)/,
    ],
  ])('refuses %s naming the entry and the field', (text, message) => {
    expect(() => parsePriceFile(text, 'p.json')).toThrow(message);
  });

  it('names a missing file', async () => {
    await expect(loadPriceTable('/nonexistent/prices.json')).rejects.toThrow('--prices /nonexistent/prices.json: no such file');
  });
});
