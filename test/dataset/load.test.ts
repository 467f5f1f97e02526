import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/index.js';
import { datasetErrorOf, useFixtures } from './helpers.js';

const { fixture, dir } = useFixtures();

describe('loadDataset', () => {
  it('rejects unsupported extensions, naming the supported ones', async () => {
    const file = await fixture('data.txt', 'prompt\nhi\n');
    expect(await datasetErrorOf(loadDataset(file))).toBe(`${file}: the dataset file has the unsupported extension ".txt"; supported: .csv, .jsonl, .ndjson`);
    expect(await datasetErrorOf(loadDataset('README'))).toBe('README: the dataset file has no extension; supported: .csv, .jsonl, .ndjson');
  });

  it('accepts extensions in any case', async () => {
    const file = await fixture('UPPER.CSV', 'prompt\nhi\n');
    expect(await loadDataset(file)).toHaveLength(1);
  });

  it('reports a missing file or a directory in one line naming it', async () => {
    for (const name of ['missing.csv', 'missing.jsonl']) {
      const file = join(dir(), name);
      expect(await datasetErrorOf(loadDataset(file))).toBe(`${file}: cannot read the dataset file: no such file`);
    }
    const folder = join(dir(), 'folder.jsonl');
    await mkdir(folder);
    expect(await datasetErrorOf(loadDataset(folder))).toBe(`${folder}: cannot read the dataset file: it is not a regular file`);
  });

  it('keeps FILE exactly as given (relative paths stay relative)', async () => {
    expect(await datasetErrorOf(loadDataset('no/such/dir/x.csv'))).toBe('no/such/dir/x.csv: cannot read the dataset file: no such file');
  });
});

describe('CSV line numbers agree with an independent count', () => {
  it('on random files mixing LF/CRLF, blank lines and multi-line quoted fields', async () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 25; round++) {
      const eol = random(2) === 0 ? '\n' : '\r\n';
      let text = 'id,prompt' + eol;
      let line = 2;
      const expected: number[] = [];
      for (let r = 0; r < 8; r++) {
        const blanks = random(3);
        text += eol.repeat(blanks);
        line += blanks;
        expected.push(line);
        const breaks = random(4);
        const inner = random(2) === 0 ? eol : '\n';
        const prompt = Array.from({ length: breaks + 1 }, (_, i) => `第${i}行 "q"`).join(inner);
        text += `r${r},"${prompt.replace(/"/g, '""')}"${eol}`;
        line += breaks + 1;
      }
      const file = await fixture(`random${round}.csv`, text);
      expect((await loadDataset(file)).map((row) => row.source.line)).toEqual(expected);
    }
  });
});

describe('shipped datasets', () => {
  const shipped = (name: string): string => fileURLToPath(new URL(`../../datasets/${name}`, import.meta.url));

  it('datasets/demo.csv loads: Chinese and English, system on some rows, templated topics', async () => {
    const rows = await loadDataset(shipped('demo.csv'));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.every((r) => r.messages.length === 1 && r.messages[0]?.role === 'user')).toBe(true);
    const contents = rows.map((r) => r.messages[0]?.content ?? '');
    expect(contents.some((c) => /[\u4e00-\u9fff]/.test(c))).toBe(true);
    expect(contents.some((c) => /^[\x20-\x7e]+$/.test(c))).toBe(true);
    expect(contents.some((c) => c.includes('{{'))).toBe(false);
    expect(rows.filter((r) => r.system !== undefined).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.system === undefined).length).toBeGreaterThan(0);
    expect(rows.find((r) => r.id === 'poem-zh')?.messages[0]?.content).toBe('以“秋天”为题写一首七言绝句。');
    expect(rows.every((r) => Object.keys(r.vars).join() === 'topic')).toBe(true);
  });

  it('datasets/multiturn.jsonl loads: multi-turn, a system message, vars', async () => {
    const rows = await loadDataset(shipped('multiturn.jsonl'));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.some((r) => r.messages.length >= 3)).toBe(true);
    expect(rows.some((r) => r.system !== undefined)).toBe(true);
    expect(rows.every((r) => r.messages.at(-1)?.role === 'user')).toBe(true);
    const withVars = rows.find((r) => Object.keys(r.vars).length > 0);
    expect(withVars?.messages[0]?.content).toBe('请为降噪蓝牙耳机写一段面向经常出差的商务人士的宣传文案，不超过80字。');
    expect(rows.find((r) => r.id === 'sql-help')?.system).toMatch(/database expert/);
  });
});
