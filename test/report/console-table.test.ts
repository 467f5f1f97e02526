import { describe, expect, it } from 'vitest';
import { costDecimals, cutLabel, formatSummaryTable, SIMULATED_NOTICE } from '../../src/report/console-table.js';
import type { CellSummary } from '../../src/metrics/types.js';
import { displayWidth, truncateToWidth } from '../../src/report/text-width.js';
import { emptyDist, makeCell, makeSummary } from './fixtures.js';

/** Display column where each column of a line starts (after runs of 2+ spaces). */
function columnStarts(line: string): number[] {
  const starts: number[] = [];
  let width = 0;
  let prev = ' ';
  let spaces = 2;
  for (const char of line) {
    if (char !== ' ' && prev === ' ' && spaces >= 2) starts.push(width);
    spaces = char === ' ' ? spaces + 1 : 0;
    prev = char;
    width += displayWidth(char);
  }
  return starts;
}

/** Display column where each line's numeric columns end (right-aligned). */
function rightEdges(line: string): number[] {
  const edges: number[] = [];
  let width = 0;
  const chars = Array.from(line);
  chars.forEach((char, i) => {
    width += displayWidth(char);
    const next = chars[i + 1];
    if (char !== ' ' && (next === undefined || next === ' ')) edges.push(width);
  });
  return edges;
}

describe('displayWidth', () => {
  it('counts CJK and fullwidth as two columns', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('文心一言')).toBe(8);
    expect(displayWidth('ＡＢ，')).toBe(6);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(truncateToWidth('文心一言大模型', 7)).toBe('文心一…');
    expect(displayWidth(truncateToWidth('文心一言大模型', 7))).toBeLessThanOrEqual(7);
  });
});

describe('formatSummaryTable', () => {
  it('aligns columns with a Chinese label', () => {
    const summary = makeSummary({
      cells: [
        makeCell({ id: 'a', label: '文心一言 温度=0.3' }),
        makeCell({ id: 'b', label: 'ernie-speed-8k temperature=0.9', throughput: { requestsPerSec: 1, outputTokensPerSec: 12345.6 } }),
        makeCell({ id: 'c', label: 'x', ttftMs: emptyDist(), tpotMs: emptyDist() }),
      ],
    });
    const table = formatSummaryTable(summary);
    const lines = table.split('\n');
    // The group line, the headers, the dashes, three cells, then each cell's error codes (count and a sample) under the table.
    expect(lines).toHaveLength(9);
    // Outcome columns are labelled as outcomes, and each group names its unit.
    expect(lines[0]).toMatch(/^\s+-+ outcomes \(requests\) -+\s+-+ latency ms -+\s+-+ TTFT ms -+$/);
    // Every outcome is a labelled column: no bare number reads as "ok".
    expect(lines[1]).toMatch(/^cell\s+planned\s+ok\s+failed\s+throttled\s+timeout\s+cancelled\s+dropped\s+p50\s+p99\s+p50\s+p99\s+TPOT p50 ms\s+out tok\/s$/);
    expect(lines[2]).toMatch(/^-+( {2}-+){13}$/);
    // Every data line ends its right-aligned columns at the same display columns as the dashes.
    const edges = rightEdges(lines[2]!);
    for (const line of lines.slice(3, 6)) {
      expect(rightEdges(line).slice(-13)).toEqual(edges.slice(-13));
      expect(columnStarts(line)[1]).toBeGreaterThanOrEqual(edges[0]! + 2);
      expect(displayWidth(line)).toBe(displayWidth(lines[2]!));
    }
    // A group heading sits over its own columns: "latency ms" over the two latency columns.
    const latencyFrom = edges[7]! + 2;
    expect(lines[0]!.slice(latencyFrom, edges[9]).trim()).toMatch(/^-+ latency ms -+$/);
    expect(lines[3]).toMatch(/^文心一言 温度=0\.3\s+10\s+8\s+1\s+1\s+0\s+0\s+0\s+1200\.0\s+2400\.0\s+300\.0\s+600\.0\s+25\.0\s+192\.0$/);
    expect(lines[5]).toMatch(/\s-\s+-\s+-\s+192\.0$/);
    expect(lines[6]).toBe('errors of 文心一言 温度=0.3: 18 ×1 "Open api qps request limit reached"; 336003 ×1 "invalid argument"');
    expect(table).not.toContain('SIMULATED');
  });

  it('leads with the simulated notice', () => {
    const lines = formatSummaryTable(makeSummary({ simulated: true })).split('\n');
    expect(lines[0]).toBe(SIMULATED_NOTICE);
    expect(lines[0]).toBe('SIMULATED run — figures come from the built-in simulator');
  });

  it('colours only when asked, without breaking alignment', () => {
    const summary = makeSummary({ simulated: true });
    const plain = formatSummaryTable(summary);
    const coloured = formatSummaryTable(summary, { color: true });
    expect(plain).not.toContain('\x1b[');
    expect(coloured).toContain('\x1b[31m');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('keeps control characters in labels out of the terminal and cuts long labels', () => {
    const table = formatSummaryTable(makeSummary({ cells: [makeCell({ label: `evil\x1b[2J${'长'.repeat(40)}` })] }));
    expect(table).not.toContain('\x1b');
    const label = table.split('\n')[3]!.split(/ {2,}/)[0]!;
    expect(table.split('\n')[4]).toMatch(/^errors of evil\\x1b\[2J/);
    // Cut in the middle: the start and the end of a label both tell cells apart.
    expect(label).toMatch(/^evil\\x1b\[2J长+…长+$/);
    expect(displayWidth(label)).toBeLessThanOrEqual(40);
    expect(cutLabel('ERNIE-Speed-8K temperature=0.3', 20)).toBe('ERNIE-Speed…ture=0.3');
    expect(cutLabel('ERNIE-Speed-8K temperature=0.9', 20)).toBe('ERNIE-Speed…ture=0.9');
  });
});

describe('formatSummaryTable: units, cost precision and the terminal width', () => {
  const priced = (cny: number | null): CellSummary['cost'] => ({ cny, inputCny: cny, outputCny: 0, price: null, estimatedTokenRequests: 0, simulated: false });

  it('names the unit of every timing, throughput and cost column', () => {
    const summary = makeSummary({ cells: [makeCell({ cost: priced(0.32) })] });
    const [groups, headers] = formatSummaryTable(summary).split('\n');
    expect(groups).toContain('latency ms');
    expect(groups).toContain('TTFT ms');
    expect(headers).toContain('TPOT p50 ms');
    expect(headers).toContain('out tok/s');
    expect(headers).toMatch(/cost CNY$/);
  });

  it('gives every cost in the column the same decimals, enough for the smallest amount', () => {
    expect(costDecimals([0, 0.32])).toBe(3);
    expect(costDecimals([0.0123, 1.5])).toBe(4);
    expect(costDecimals([123.4, 250])).toBe(2);
    expect(costDecimals([null, undefined])).toBe(2);
    const summary = makeSummary({
      cells: [makeCell({ id: 'a', cost: priced(0) }), makeCell({ id: 'b', cost: priced(0.32) }), makeCell({ id: 'c', cost: priced(null) })],
    });
    const lines = formatSummaryTable(summary).split('\n');
    expect(lines[3]).toMatch(/\s0\.000$/);
    expect(lines[4]).toMatch(/\s0\.320$/);
    expect(lines[5]).toMatch(/\sunknown$/);
  });

  it('drops the least telling columns on a narrow terminal, says which, and never passes the width', () => {
    const summary = makeSummary({ cells: [makeCell({ cost: priced(0.5) }), makeCell({ id: 'c1', label: 'ernie-4.0-8k temperature=0.9' })] });
    for (const width of [60, 80, 100]) {
      const lines = formatSummaryTable(summary, { width }).split('\n');
      for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      const headers = lines.find((line) => line.startsWith('cell'))!;
      // The label, ok and latency p50 stay; the low-priority ones go first.
      expect(headers).toMatch(/^cell\s+.*\bok\b/);
      expect(headers).toMatch(/p50/);
      expect(headers).not.toContain('dropped');
      expect(lines.join('\n')).toMatch(/\(\d+ more columns in summary\.csv, too wide/);
    }
    // Wide enough: every column, no note.
    const wide = formatSummaryTable(summary, { width: 400 });
    expect(wide).toContain('dropped');
    expect(wide).not.toContain('more columns');
  });
});
