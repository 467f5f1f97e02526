import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import { durationText, statusLine, terminalLines, zeroCounts, type LiveState } from '../../src/cli/live-lines.js';
import { displayWidth } from '../../src/report/text-width.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A stream that says it is a terminal of `columns` columns and keeps what is written to it. */
function fakeTerminal(columns: number, tty = true): { stream: Writable & { isTTY: boolean; columns: number; rows: number }; text: () => string } {
  const chunks: string[] = [];
  const writable = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream: Object.assign(writable, { isTTY: tty, columns, rows: 40 }), text: () => chunks.join('') };
}

/** The text as the terminal shows it: escape sequences (cursor moves, erases) taken out. */
const visibleLines = (text: string): string[] =>
  text
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n')
    .split(/\r?\n|\r/)
    .filter((line) => line !== '');

const CELLS = [
  { id: 'c0', label: 'ERNIE-Speed-8K temperature=0.3 top_p=0.8 penalty_score=1.2' },
  { id: 'c1', label: '文心一言 温度=0.9 很长的标签很长的标签很长的标签' },
  { id: 'c2', label: 'ERNIE-4.0-8K' },
];

describe('live view on a terminal', () => {
  it('draws several lines (the run, each cell with its ETA, the cost) and none is wider than the terminal', async () => {
    for (const columns of [40, 80, 200]) {
      const terminal = fakeTerminal(columns);
      const progress = createProgress(90, {
        tty: true,
        stream: terminal.stream,
        intervalMs: 5,
        simulated: true,
        stage: 'c=8',
        cells: CELLS,
        liveText: () => `cost ¥0.0123/¥0.0500 ${'(budget) '.repeat(20)}`,
      });
      for (let i = 0; i < 30; i++) {
        progress.started();
        progress.finished(i % 7 === 0 ? 'failed' : 'ok', CELLS[i % 3]);
        if (i % 10 === 0) await sleep(15);
      }
      progress.persist('warning: a log line above the live view\n');
      await sleep(20);
      progress.stop();
      const lines = visibleLines(terminal.text());
      for (const line of lines) expect(displayWidth(line), line).toBeLessThan(columns);
      expect(lines.some((line) => line.startsWith('[SIMULATED] c=8 ') && line.includes('30/90 answered'))).toBe(true);
      // The bar only where it fits beside the figures.
      expect(lines.some((line) => line.startsWith('[SIMULATED] c=8 [#'))).toBe(columns >= 200);
      if (columns >= 80) {
        expect(lines.some((line) => /^ {2}ERNIE-4\.0-8K\s+(\[#+\.*\] )?10\/30 {2}(errors \d+ {2})?\d+\.\d req\/s {2}ETA /.test(line))).toBe(true);
        expect(lines.some((line) => line.startsWith('  cost ¥0.0123/¥0.0500'))).toBe(true);
      }
      expect(lines).toContain('warning: a log line above the live view');
    }
  });

  it('writes a plain line off a terminal, with no escape codes', async () => {
    const log = fakeTerminal(80, false);
    const progress = createProgress(10, { tty: false, stream: log.stream, intervalMs: 5, cells: CELLS });
    progress.started();
    progress.finished('ok', CELLS[0]);
    progress.persist('info line\n');
    progress.stop();
    expect(log.text()).not.toContain('\x1b');
    expect(log.text()).toContain('info line\n');
    expect(log.text()).toMatch(/1\/10 answered: ok 1 errors 0 throttled 0 in-flight 0 [\d.]+ req\/s \d+s\n$/);
  });
});

describe('live view on a terminal that gives no size', () => {
  it('writes the plain line (a redraw needs the height)', () => {
    const terminal = fakeTerminal(0);
    terminal.stream.rows = 0;
    const progress = createProgress(10, { tty: true, stream: terminal.stream, intervalMs: 60_000 });
    progress.finished('ok');
    progress.stop();
    expect(terminal.text()).not.toContain('\x1b');
    expect(terminal.text()).toMatch(/^1\/10 answered: ok 1 /);
  });
});

describe('live lines', () => {
  const state = (over: Partial<LiveState> = {}): LiveState => ({
    elapsedSec: 10,
    total: 40,
    started: 12,
    counts: { ...zeroCounts(), ok: 8, failed: 1, cancelled: 1 },
    cells: [{ id: 'c0', label: 'a', counts: { ...zeroCounts(), ok: 8, failed: 1 } }],
    limiters: [],
    cost: undefined,
    simulated: false,
    stage: undefined,
    interrupted: false,
    ...over,
  });

  it('keeps the CI line as it was: answered/planned, outcomes, in flight, rate', () => {
    expect(statusLine(state())).toBe('9/40 answered: ok 8 errors 1 throttled 0 cancelled 1 in-flight 3 0.9 req/s 10s');
    expect(statusLine(state({ interrupted: true, total: undefined }))).toMatch(/^INTERRUPTED 9 answered/);
  });

  it('gives the run and each cell an ETA at the rate so far', () => {
    const [run, cell] = terminalLines(state(), 200);
    // 10 of 40 finished in 10 s: 30 s left.
    expect(run).toMatch(/9\/40 answered {2}ok 8 {2}errors 1 {2}throttled 0 {2}not sent 1 {2}in flight 3 {2}0\.9 req\/s {2}10s {2}ETA 30s$/);
    // One cell: its share is the whole plan; 9 of 40 in 10 s.
    expect(cell).toMatch(/^ {2}a {2}\[#+\.+\] 9\/40 {2}errors 1 {2}0\.9 req\/s {2}ETA 35s$/);
    expect(durationText(65)).toBe('1m05s');
    expect(durationText(3700)).toBe('1h01m');
    expect(durationText(undefined)).toBe('-');
  });
});
