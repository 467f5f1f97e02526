import { describe, expect, it } from 'vitest';
import { formatSummaryTable, SIMULATED_NOTICE } from '../../src/report/console-table.js';
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
    // Three cells, then each cell's error codes (count and a sample) under the table.
    expect(lines).toHaveLength(8);
    // Every outcome is a labelled column: no bare number reads as "ok".
    expect(lines[0]).toMatch(
      /^cell\s+planned\s+ok\s+failed\s+throttled\s+timeout\s+cancelled\s+dropped\s+lat p50\s+lat p99\s+ttft p50\s+ttft p99\s+tpot p50\s+out tok\/s$/,
    );
    expect(lines[1]).toMatch(/^-+( {2}-+){13}$/);
    // Every data line ends its right-aligned columns at the same display columns as the dashes.
    const edges = rightEdges(lines[1]!);
    for (const line of lines.slice(2, 5)) {
      expect(rightEdges(line).slice(-13)).toEqual(edges.slice(-13));
      expect(columnStarts(line)[1]).toBeGreaterThanOrEqual(edges[0]! + 2);
      expect(displayWidth(line)).toBe(displayWidth(lines[1]!));
    }
    expect(lines[2]).toMatch(/^文心一言 温度=0\.3\s+10\s+8\s+1\s+1\s+0\s+0\s+0\s+1200\.0\s+2400\.0\s+300\.0\s+600\.0\s+25\.0\s+192\.0$/);
    expect(lines[4]).toMatch(/\s-\s+-\s+-\s+192\.0$/);
    expect(lines[5]).toBe('errors of 文心一言 温度=0.3: 18 ×1 "Open api qps request limit reached"; 336003 ×1 "invalid argument"');
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
    const label = table.split('\n')[2]!.split(/ {2,}/)[0]!;
    expect(table.split('\n')[3]).toMatch(/^errors of evil\\x1b\[2J/);
    expect(label.endsWith('…')).toBe(true);
    expect(displayWidth(label)).toBeLessThanOrEqual(40);
  });
});
