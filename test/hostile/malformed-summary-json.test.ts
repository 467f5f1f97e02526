/**
 * A damaged summary.json given to `compare`, `report DIR`, `merge` and `run --baseline`: every
 * command reads it through one validating reader and refuses it with exit 2 and one line naming
 * the file and the path of the bad field (they used to crash with a stack, exit 1, somewhere deep
 * in a renderer). The run folders are real ones written by `run --sim`, then damaged.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

const RUN = [
  'run',
  '--sim',
  '--sim-opt',
  'firstChunkMs=1',
  '--sim-opt',
  'msPerOutputToken=0',
  '-d',
  'datasets/demo.csv',
  '-m',
  'ernie-speed-8k',
  '--no-stream',
  '--quiet',
];

/** A field to set (`undefined` deletes it), as a dotted path into the summary, or a whole new text. */
type Damage = { path: string; value: unknown } | string;

/** Name, damage, and what the one line says after the file's path. */
const DAMAGES: Array<[string, Damage, RegExp]> = [
  ['a percentile as a string', { path: 'cells.0.latencyMs.p50', value: 'fast' }, /: cells\[0\]\.latencyMs\.p50: expected number, got string/],
  ['a missing field', { path: 'cells.0.outcomes', value: undefined }, /: cells\[0\]\.outcomes: missing \(expected record\)/],
  ['an outcome count below 0', { path: 'cells.0.outcomes.ok', value: -3 }, /: cells\[0\]\.outcomes\.ok: expected number to be >=0, got -3/],
  ['run metadata of the wrong type', { path: 'run.models', value: 'ernie' }, /: run\.models: expected array, got string/],
  ['not JSON', '{"schemaVersion": 1, "cells": [', /: not valid JSON/],
  ['an unknown schemaVersion', { path: 'schemaVersion', value: 7 }, /: unsupported summary format: schemaVersion 7; this qfbench reads schemaVersion 1/],
];

function setPath(data: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, data as Record<string, unknown>);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

let good: string;

beforeAll(async () => {
  good = join(await tempDir(), 'good');
  const result = await runCli([...RUN, '--out', good]);
  expect(result.code, result.stderr).toBe(0);
}, 120_000);

async function damaged(damage: Damage): Promise<string> {
  const dir = join(await tempDir(), 'damaged');
  await cp(good, dir, { recursive: true });
  const path = join(dir, 'summary.json');
  if (typeof damage === 'string') {
    await writeFile(path, damage);
  } else {
    const summary: unknown = JSON.parse(await readFile(path, 'utf8'));
    setPath(summary, damage.path, damage.value);
    await writeFile(path, JSON.stringify(summary));
  }
  return dir;
}

function expectRefusal(result: CliResult, file: string, message: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).toContain(file);
  expect(result.stderr).toMatch(message);
}

describe('a malformed summary.json', () => {
  it.each(DAMAGES)(
    'with %s: compare, report, merge and --baseline refuse it naming file and field',
    async (_name, damage, message) => {
      const dir = await damaged(damage);
      const file = join(dir, 'summary.json');
      expectRefusal(await runCli(['compare', good, dir, '--out', join(await tempDir(), 'cmp'), '--quiet']), file, message);
      expectRefusal(await runCli(['compare', dir, good, '--out', join(await tempDir(), 'cmp'), '--quiet']), file, message);
      expectRefusal(await runCli(['report', dir, '--quiet']), file, message);
      expectRefusal(await runCli(['merge', good, dir, '--out', join(await tempDir(), 'merged'), '--quiet']), file, message);
      expectRefusal(await runCli([...RUN, '--baseline', dir, '--out', join(await tempDir(), 'run')]), file, message);
    },
    120_000,
  );

  it('with a damaged histogram: merge names the cell and histogram', async () => {
    // Valid base64 with the histogram magic, cut short: only decoding finds it out.
    const dir = await damaged({ path: 'cells.0.histograms.latency', value: 'HISTFAAAACx4nJNpmSzMwMDAxAABzFCaEUrLQPkMDG8fPz7w8+HzFwDg' });
    const file = join(dir, 'summary.json');
    expectRefusal(
      await runCli(['merge', good, dir, '--out', join(await tempDir(), 'merged'), '--quiet']),
      file,
      /: cells\[0\]\.histograms\.latency: not a valid encoded histogram/,
    );
  }, 60_000);

  it('that is missing: merge and report say so in one line', async () => {
    const empty = await tempDir();
    expectRefusal(await runCli(['merge', good, empty, '--out', join(await tempDir(), 'merged')]), join(empty, 'summary.json'), /no such file/);
    expectRefusal(await runCli(['report', empty]), empty, /no summary\.json or requests\.csv there/);
  }, 60_000);
});
