import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSummaryJson, writeSummaryJson } from '../../src/report/summary-json.js';
import { makeSummary, withTempDir } from './fixtures.js';

describe('summary.json', () => {
  it('round-trips a summary as pretty JSON ending with a newline', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'out', 'summary.json');
      const summary = makeSummary({ simulated: true });
      summary.cells[0]!.label = '文心 “测试” <b>';
      await writeSummaryJson(path, summary);
      const text = await readFile(path, 'utf8');
      expect(text.endsWith('}\n')).toBe(true);
      expect(text).toContain('\n  "schemaVersion": 1,\n');
      expect(await readSummaryJson(path)).toEqual(summary);
    });
  });

  it('rejects another schemaVersion with a clear message', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'summary.json');
      await writeFile(path, JSON.stringify({ ...makeSummary(), schemaVersion: 2 }));
      await expect(readSummaryJson(path)).rejects.toThrow(/summary\.json: unsupported summary format: schemaVersion 2; this qfbench reads schemaVersion 1/);
      const { schemaVersion: _drop, ...without } = makeSummary();
      await writeFile(path, JSON.stringify(without));
      await expect(readSummaryJson(path)).rejects.toThrow(/no schemaVersion/);
      await writeFile(path, JSON.stringify({ ...makeSummary(), schemaVersion: '1' }));
      await expect(readSummaryJson(path)).rejects.toThrow(/schemaVersion "1"/);
    });
  });

  it('rejects files that are not JSON or not a summary', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'summary.json');
      await writeFile(path, '{ not json');
      await expect(readSummaryJson(path)).rejects.toThrow(/not valid JSON/);
      await writeFile(path, '[1,2]');
      await expect(readSummaryJson(path)).rejects.toThrow(/not a qfbench summary/);
      await writeFile(path, '{"schemaVersion":1}');
      await expect(readSummaryJson(path)).rejects.toThrow(/tool, run or cells missing/);
    });
  });

  it('checks every field against the schema and names the file and the field path', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'summary.json');
      const write = async (change: (summary: ReturnType<typeof makeSummary>) => void): Promise<void> => {
        const summary = makeSummary();
        change(summary);
        await writeFile(path, JSON.stringify(summary));
      };
      await write((s) => ((s.cells[0]!.latencyMs as unknown as Record<string, unknown>)['p50'] = '12'));
      await expect(readSummaryJson(path)).rejects.toThrow(`${path}: cells[0].latencyMs.p50: expected number, got string`);
      await write((s) => delete (s.run as unknown as Record<string, unknown>)['startedAt']);
      await expect(readSummaryJson(path)).rejects.toThrow(`${path}: run.startedAt: missing (expected string)`);
      await write((s) => ((s.tool as unknown as Record<string, unknown>)['name'] = 'other'));
      await expect(readSummaryJson(path)).rejects.toThrow(`${path}: tool.name: expected "qfbench", got "other"`);
      await expect(readSummaryJson(join(dir, 'nope.json'))).rejects.toThrow(/nope\.json: no such file/);
    });
  });
  it('refuses a malformed cost or a missing required field instead of reading it as unknown', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'summary.json');
      const summary = makeSummary();
      await writeFile(path, JSON.stringify({ ...summary, cells: [{ ...summary.cells[0], cost: { cny: 'free' } }] }));
      await expect(readSummaryJson(path)).rejects.toThrow(/summary\.json: cells\[0\]\.cost\.cny: expected number, got string/);
      const { datasets: _drop, ...run } = summary.run;
      await writeFile(path, JSON.stringify({ ...summary, run }));
      await expect(readSummaryJson(path)).rejects.toThrow(/summary\.json: run\.datasets: missing \(expected array\)/);
    });
  });
});
