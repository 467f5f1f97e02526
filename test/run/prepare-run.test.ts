import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/run-config.js';
import { prepareRun } from '../../src/run/prepare-run.js';
import { createLogger } from '../../src/util/logger.js';

const quiet = createLogger({ quiet: true, stream: new Writable({ write: (_chunk, _encoding, done) => done() }) });
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qfbench-prepare-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const linesOf = (count: number, line: (index: number) => string): string => Array.from({ length: count }, (_, index) => line(index)).join('\n') + '\n';

// A spread of this many rows into push/splice overflows the call stack ("Maximum call stack size exceeded").
describe('prepareRun with many rows', () => {
  it('takes a trace of 300,000 arrivals', async () => {
    const trace = join(dir, 'big.jsonl');
    await writeFile(
      trace,
      linesOf(300_000, (index) => `{"offset_ms": ${index}, "input_length": 1, "output_length": 1}`),
    );
    const prepared = await prepareRun(parseRunConfig({ trace, models: ['ernie-speed-8k'] }), quiet);
    expect(prepared.rows).toHaveLength(300_000);
    expect(prepared.trace?.arrivals).toHaveLength(300_000);
  });

  it('takes 75,000 sessions', async () => {
    const sessions = join(dir, 'sessions.jsonl');
    await writeFile(
      sessions,
      linesOf(75_000, (index) => `{"id": "s${index}", "turns": ["hello", "again"]}`),
    );
    const prepared = await prepareRun(parseRunConfig({ sessions, models: ['ernie-speed-8k'] }), quiet);
    expect(prepared.rows).toHaveLength(150_000);
  });
});
