import { describe, expect, it } from 'vitest';
import { expandGrid, formatParams, parseParamFlags } from '../../src/config/params.js';
import type { DatasetRow } from '../../src/dataset/types.js';
import { buildPlan } from '../../src/plan/plan.js';

const rows: DatasetRow[] = Array.from({ length: 5 }, (_, i) => ({
  id: `r${i}`,
  source: { file: 'x.csv', line: i + 2 },
  messages: [{ role: 'user', content: `q${i}` }],
  vars: {},
}));
const targets = [
  { model: 'A', endpoint: 'a' },
  { model: 'B', endpoint: 'b' },
];

describe('parameter grids', () => {
  it('types known parameters and expands the cartesian product', () => {
    const grid = parseParamFlags(['temperature=0.2,0.8', 'max_output_tokens=256', 'stop=END|STOP,。']);
    expect(grid).toEqual({ temperature: [0.2, 0.8], max_output_tokens: [256], stop: [['END', 'STOP'], ['。']] });
    const combos = expandGrid(grid);
    expect(combos).toHaveLength(4);
    expect(formatParams(combos[0]!)).toBe('temperature=0.2;max_output_tokens=256;stop=END|STOP');
  });

  it('refuses values of the wrong type and malformed flags, naming the flag', () => {
    expect(() => parseParamFlags(['temperature=hot'])).toThrow('-p temperature=hot: temperature="hot" is not a number');
    expect(() => parseParamFlags(['max_output_tokens=1.5'])).toThrow('is not an integer');
    expect(() => parseParamFlags(['disable_search=yes'])).toThrow('is not true or false');
    expect(() => parseParamFlags(['temperature'])).toThrow('expected key=value');
    expect(() => parseParamFlags(['temperature=0.1,'])).toThrow('empty value');
    expect(() => parseParamFlags(['top_p=0.1', 'top_p=0.2'])).toThrow('given twice');
  });

  it('accepts a JSON list of values and passes unknown keys through without coercing text', () => {
    expect(parseParamFlags(['stop=[["a","b"],["c"]]'])).toEqual({ stop: [['a', 'b'], ['c']] });
    expect(parseParamFlags(['custom=0.5,abc,true'])).toEqual({ custom: [0.5, 'abc', true] });
  });
});

describe('plan', () => {
  it('makes one request per cell x row x repeat, each exactly once', () => {
    const plan = buildPlan({ targets, grid: { temperature: [0.1, 0.9] }, rows, repeat: 3, seed: 42, api: 'chat', stream: true });
    expect(plan.cells.map((cell) => cell.label)).toEqual(['A temperature=0.1', 'A temperature=0.9', 'B temperature=0.1', 'B temperature=0.9']);
    const requests = [...plan.requests()];
    expect(requests).toHaveLength(plan.size);
    expect(plan.size).toBe(4 * 5 * 3);
    expect(requests.map((r) => r.seq)).toEqual(requests.map((_, i) => i));
    const keys = new Set(requests.map((r) => `${r.cell.id}/${r.row.id}/${r.repeat}`));
    expect(keys.size).toBe(plan.size);
  });

  it('interleaves cells: every cell meets each row within one block, in a seeded order', () => {
    const plan = buildPlan({ targets, grid: {}, rows, repeat: 2, seed: 7, api: 'chat', stream: true });
    const requests = [...plan.requests()];
    for (let block = 0; block < requests.length; block += 2) {
      const pair = requests.slice(block, block + 2);
      expect(new Set(pair.map((r) => r.row.id)).size).toBe(1);
      expect(new Set(pair.map((r) => r.cell.id)).size).toBe(2);
    }
    const again = [...buildPlan({ targets, grid: {}, rows, repeat: 2, seed: 7, api: 'chat', stream: true }).requests()];
    expect(again.map((r) => `${r.cell.id}${r.row.id}`)).toEqual(requests.map((r) => `${r.cell.id}${r.row.id}`));
    const other = [...buildPlan({ targets, grid: {}, rows, repeat: 2, seed: 8, api: 'chat', stream: true }).requests()];
    expect(other.map((r) => `${r.cell.id}${r.row.id}`)).not.toEqual(requests.map((r) => `${r.cell.id}${r.row.id}`));
    // Not always the same cell first.
    expect(new Set(requests.filter((_, i) => i % 2 === 0).map((r) => r.cell.id)).size).toBe(2);
  });
});
