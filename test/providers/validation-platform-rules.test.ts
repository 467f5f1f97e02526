/**
 * The per-service rules of qianfan-api.md §9 that the pre-check follows (issue 14, "Client"):
 * `top_k`, `min_output_tokens` without a cap, the limits of custom services declared with
 * --base-model (SFT dynamic split, Dolly-12B), and token estimates near a limit.
 */
import { describe, expect, it } from 'vitest';
import type { DatasetRow } from '../../src/dataset/types.js';
import { BUILT_IN_CATALOG, findModel, type ModelEntry } from '../../src/qianfan/spec/catalog.js';
import { checkBaseModel, formatFinding, validateParams, validateRow, validateRun, type ValidationTarget } from '../../src/providers/qianfan/validation.js';
import { checkRequestsBeforeSending } from '../../src/run/check-requests.js';
import { countSimTokens } from '../../src/sim/index.js';

function model(name: string): ModelEntry {
  const entry = findModel(BUILT_IN_CATALOG, name);
  if (!entry) throw new Error(`no catalog entry ${name}`);
  return entry;
}

const preset = (name: string): ValidationTarget => {
  const entry = model(name);
  return { model: entry.name, endpoint: entry.endpoint, entry };
};

const SPEED = preset('ERNIE-Speed-8K');
const SFT: ValidationTarget = { model: 'my-sft', endpoint: 'my-sft', baseModel: model('ERNIE-Lite-8K') };
const DOLLY: ValidationTarget = { model: 'my-dolly', endpoint: 'my-dolly', baseModel: model('Dolly-12B') };

function row(content: string, line = 3): DatasetRow {
  return { id: `r#${line}`, source: { file: 'data.jsonl', line }, messages: [{ role: 'user', content }], vars: {} };
}

const words = (count: number): string => Array.from({ length: count }, () => 'w').join(' ');
const errorLines = (target: ValidationTarget, params: Record<string, number>): string[] =>
  validateParams(params, target)
    .filter((finding) => finding.level === 'error')
    .map(formatFinding);

describe('top_k', () => {
  it('must be a positive integer where the model accepts it', () => {
    expect(errorLines(DOLLY, { top_k: 0 })).toEqual(['-p top_k: top_k is 0; it must be at least 1']);
    expect(errorLines(DOLLY, { top_k: 2.5 })).toEqual(['-p top_k: top_k is 2.5; it must be a whole number at least 1']);
    expect(errorLines(DOLLY, { top_k: 40 })).toEqual([]);
    expect(errorLines(preset('Llama-2-7B-Chat'), { top_k: -1 })).toEqual(['-p top_k: top_k is -1; it must be at least 1']);
  });

  it('is only warned about (ignored by the server) where the model does not read it', () => {
    const found = validateParams({ top_k: 0 }, preset('ERNIE-4.0-8K'));
    expect(found.map((finding) => finding.level)).toEqual(['warning']);
  });
});

describe('min_output_tokens without max_output_tokens', () => {
  it('is refused above the default 1024 cap, with the reason', () => {
    expect(errorLines(SPEED, { min_output_tokens: 1500 })).toEqual([
      '-p min_output_tokens: min_output_tokens is 1500 without max_output_tokens; the output is capped at 1024 tokens when max_output_tokens is unset, ' +
        'so the answer could never reach it: give max_output_tokens too (-p max_output_tokens=1500)',
    ]);
    expect(errorLines(SPEED, { min_output_tokens: 1024 })).toEqual([]);
    expect(errorLines(SPEED, { min_output_tokens: 1500, max_output_tokens: 2000 })).toEqual([]);
    // An SFT service too: 7000 and 7000 is the documented example, 7000 alone is not.
    expect(errorLines(SFT, { min_output_tokens: 7000, max_output_tokens: 7000 })).toEqual([]);
    expect(errorLines(SFT, { min_output_tokens: 7000 })[0]).toContain('capped at 1024 tokens when max_output_tokens is unset');
  });
});

describe('custom services declared with --base-model', () => {
  it('an SFT service accepts any split within 8K: 7K in with a 1K cap, 1K in with 7K out', () => {
    const errors = (content: string, params: Record<string, number>): string[] =>
      validateRow(row(content), SFT, params)
        .filter((finding) => finding.level === 'error')
        .map(formatFinding);
    expect(errors(words(7168), {})).toEqual([]);
    expect(errors(words(7168), { max_output_tokens: 1024 })).toEqual([]);
    expect(errors(words(1024), { max_output_tokens: 7168 })).toEqual([]);
    expect(errors(words(7168), { max_output_tokens: 7168 })[0]).toContain('14336 in total, over the 8192-token budget');
    // The preset service keeps its 6144-token input cap.
    expect(validateRow(row(words(6145)), preset('ERNIE-Lite-8K'), {}).map((finding) => finding.level)).toContain('error');
  });

  it('a Dolly-12B service gets 4,800 characters and top_k, and is a valid base model', () => {
    expect(checkBaseModel(model('Dolly-12B'))).toBeUndefined();
    expect(validateRow(row('x'.repeat(4800)), DOLLY, {})).toEqual([]);
    expect(validateRow(row('x'.repeat(4801)), DOLLY, {}).map(formatFinding)).toEqual([
      'data.jsonl:3: input: the input is 4801 characters (system plus every message, counted in Unicode code points); the custom service "my-dolly" ' +
        '(base Dolly-12B) accepts at most 4800',
    ]);
    expect(validateParams({ top_k: 5, temperature: 0.5 }, DOLLY)).toEqual([]);
    expect(checkBaseModel(model('ERNIE-4.0-8K'))).toContain('or a custom service of Dolly-12B');
  });

  it('keeps the limit data in the catalog, where the simulator reads it', () => {
    for (const name of ['ERNIE-Speed-8K', 'ERNIE-Lite-8K', 'ERNIE-Tiny-8K', 'ERNIE-Character-8K', 'ERNIE-Character-Fiction-8K']) {
      expect(model(name).customService, name).toMatchObject({ maxTotalTokens: 8192, maxOutputTokens: 7168, defaultMaxOutputTokens: 1024 });
    }
    expect(model('Dolly-12B')).toMatchObject({ customOnly: true, customService: { maxInputChars: 4800, params: expect.arrayContaining(['top_k']) } });
  });
});

describe('token estimates near a limit', () => {
  // 6,145-9,830 ideographs estimate to at most 6,144 tokens (0.625 each), but the simulator counts
  // one token each and answers 336103: such prompts passed the pre-check before.
  const chinese = (count: number): string => '春节前后许多年轻人踏上回家的旅程'.repeat(Math.ceil(count / 16)).slice(0, count);

  it('warns about Chinese prompts of 6,145-9,830 characters for ERNIE-Speed-8K, once for all such rows', () => {
    const rows = [6145, 8000, 9830, 9000, 7000].map((count, index) => row(chinese(count), index + 1));
    for (const r of rows) expect(countSimTokens(r.messages[0]!.content)).toBeGreaterThan(6144);
    const result = validateRun({ targets: [SPEED], paramSets: [{}], rows });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map(formatFinding)).toEqual([
      'input: 5 dataset rows may be over the 6144-token input limit of ERNIE-Speed-8K: the local estimate (about 3841-6144 tokens) fits, but it can be ' +
        'low by more than the margin (data.jsonl:1, data.jsonl:2, data.jsonl:3, and 2 more); such rows are sent and may fail with 336103; ' +
        '`qfbench tokens -d FILE -m MODEL` or `qfbench estimate --tokenizer server` gives exact counts',
    ]);
  });

  it('refuses what is certainly over: the estimate itself past the limit', () => {
    const result = validateRun({ targets: [SPEED], paramSets: [{}], rows: [row(chinese(9831))] });
    expect(result.errors.map(formatFinding)).toEqual([
      'data.jsonl:3: input: the input is about 6145 tokens (a local estimate; the server counts its own); ERNIE-Speed-8K accepts at most 6144',
    ]);
  });

  it('stays quiet far from the limit', () => {
    expect(validateRun({ targets: [SPEED], paramSets: [{}], rows: [row(chinese(3000))] }).warnings).toEqual([]);
  });

  it('the run pre-check prints one warning line and starts', () => {
    const warnings: string[] = [];
    const logger = { info: () => undefined, error: () => undefined, warn: (line: string) => warnings.push(line) };
    const rows = Array.from({ length: 40 }, (_, index) => row(chinese(7000 + index), index + 1));
    checkRequestsBeforeSending({
      targets: [{ model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed' }],
      customEndpoints: new Set(),
      catalog: BUILT_IN_CATALOG,
      grid: {},
      rows,
      logger,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('40 dataset rows may be over the 6144-token input limit of ERNIE-Speed-8K');
    expect(warnings[0]).toContain('--tokenizer server');
  });
});
