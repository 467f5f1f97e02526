/**
 * Shared by the output-folder tests (locking, existing runs, environment errors, signals, record):
 * a run long enough to act on while it runs, and ways to wait for what it has written.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';

/** A simulated run of `repeat` x 12 demo rows, slow enough (tens of ms a request) to signal while it runs. */
export function slowSimRun(out: string, repeat = 100, extra: string[] = []): string[] {
  return [
    'run',
    '--sim',
    '-d',
    'datasets/demo.csv',
    '-m',
    'ernie-speed-8k',
    '--repeat',
    String(repeat),
    '-c',
    '2',
    '--grace',
    '2',
    '--sim-opt',
    'firstChunkMs=30',
    '--sim-opt',
    'msPerOutputToken=1',
    '--out',
    out,
    ...extra,
  ];
}

/** A quick simulated run: 12 requests. */
export function quickSimRun(out: string, extra: string[] = []): string[] {
  return [
    'run',
    '--sim',
    '-d',
    'datasets/demo.csv',
    '-m',
    'ernie-speed-8k',
    '--quiet',
    '--sim-opt',
    'firstChunkMs=1',
    '--sim-opt',
    'msPerOutputToken=0',
    '--out',
    out,
    ...extra,
  ];
}

/** Lines in a file so far (0 when it does not exist yet). */
export async function lineCount(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '').length;
}

/** Polls until `condition` holds; false if `done` reports the process ended first. */
export async function waitUntil(condition: () => Promise<boolean>, done: () => boolean): Promise<boolean> {
  for (;;) {
    if (await condition()) return true;
    if (done()) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** requests.csv read strictly: valid UTF-8 (a fatal decoder) and well-formed CSV rows. */
export async function strictRequestRows(out: string): Promise<Record<string, string>[]> {
  const bytes = await readFile(join(out, 'requests.csv'));
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return parse(text, { columns: true }) as Record<string, string>[];
}

/** One line on stderr, the environment error's, never a stack. */
export function expectOneLineError(stderr: string, pattern: RegExp): void {
  expect(stderr).not.toContain('internal error');
  expect(stderr).not.toMatch(/\n\s+at /);
  const lines = stderr.split('\n').filter((line) => line.startsWith('qfbench: '));
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}
