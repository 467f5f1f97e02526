import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load.js';
import type { RunSummary } from '../../src/metrics/types.js';
import { countSimTokens } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

describe('the tokenizer endpoint as a benchmark cell', () => {
  it('run --sim -m tokenizer times tokenizer/erniebot per row and records its counts', async () => {
    const out = await tempDir();
    const result = await runCli(['run', '--sim', '--quiet', '-m', 'tokenizer', '-d', 'datasets/demo.csv', '-p', 'model=ernie-speed-8k', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const [cell] = (JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary).cells;
    expect(cell?.model).toBe('ERNIE-Tokenizer');
    expect(cell?.outcomes.ok).toBe(12);
    expect(cell?.latencyMs.count).toBe(12);
    expect(cell?.ttftMs.count).toBe(0);
    expect(cell?.tokens.completion).toBe(0);
    const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const lastTurn = new Map((await loadDataset('datasets/demo.csv')).map((row) => [row.id, row.messages.at(-1)?.content ?? '']));
    for (const row of rows) {
      const tokens = countSimTokens(lastTurn.get(row.row_id ?? '') ?? '');
      expect(row.output).toBe(`${tokens} tokens`);
      expect(row.prompt_tokens).toBe(String(tokens));
    }
  });
});
