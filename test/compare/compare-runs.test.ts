/** compareRuns is pure: summaries and request rows go in as data, the comparison comes out; no file is read. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns, type ComparedRun } from '../../src/compare/index.js';
import { isUserError } from '../../src/errors.js';
import type { CellSummary, Outcome, RequestRecord } from '../../src/metrics/types.js';
import { compareRunFolders } from '../../src/report/compare/index.js';
import { openRequestsCsv } from '../../src/report/requests-csv.js';
import { writeSummaryJson } from '../../src/report/summary-json.js';
import { seededRandom } from '../../src/util/random.js';
import { makeCell, makeRecord, makeSummary, withTempDir } from '../report/fixtures.js';

const speed = { id: 'c0', model: 'ernie-speed-8k', label: 'ernie-speed-8k temperature=0.3', params: { temperature: 0.3 } };

/** A run in memory: `n` ok requests with whole-millisecond timings (they survive the CSV round trip exactly), times `scale`. */
function run(dir: string, seed: number, scale: number, n = 200): { run: ComparedRun; records: RequestRecord[] } {
  const random = seededRandom(seed);
  const records: RequestRecord[] = [];
  let clock = 0;
  for (let seq = 0; seq < n; seq++) {
    clock += 40 + Math.round(random() * 20);
    const ttft = Math.round((250 + random() * 100) * scale);
    const latency = ttft + Math.round((800 + random() * 200) * scale);
    records.push(
      makeRecord({
        seq,
        cellId: 'c0',
        latencyMs: latency,
        latencySchedMs: latency,
        ttftMs: ttft,
        schedOffsetMs: clock,
        promptTokens: 40,
        completionTokens: 100,
      }),
    );
  }
  const outcomes: Record<Outcome, number> = { ok: n, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 };
  const cell: CellSummary = makeCell({ ...speed, errors: {}, planned: n, outcomes });
  return { run: { dir, summary: makeSummary({ cells: [cell] }), requests: records }, records };
}

describe('compareRuns (in memory)', () => {
  it('compares two runs handed in as data, naming each by its dir without reading it', async () => {
    const base = run('/nowhere/base', 1, 1);
    const candidate = run('/nowhere/candidate', 2, 1.3);
    const result = await compareRuns(base.run, candidate.run);
    expect(result.base.dir).toBe('/nowhere/base');
    expect(result.matched).toHaveLength(1);
    expect(result.matched[0]!.deltas.find((d) => d.metric === 'latency.p50')!.verdict).toBe('regression');
    expect(result.hasRegression).toBe(true);
  });

  it('takes async rows too, and gives what comparing the folders gives', async () => {
    const base = run('a', 1, 1);
    const candidate = run('b', 2, 1.1);
    async function* streamed(records: RequestRecord[]): AsyncIterable<RequestRecord> {
      yield* records;
    }
    const inMemory = await compareRuns({ ...base.run, requests: streamed(base.records) }, candidate.run);
    await withTempDir(async (dir) => {
      for (const [name, side] of [
        ['a', base],
        ['b', candidate],
      ] as const) {
        const csv = openRequestsCsv(join(dir, name, 'requests.csv'));
        for (const record of side.records) csv.write(record);
        await csv.close();
        await writeSummaryJson(join(dir, name, 'summary.json'), side.run.summary);
      }
      const fromFolders = await compareRunFolders(join(dir, 'a'), join(dir, 'b'));
      expect({ ...fromFolders, base: { ...fromFolders.base, dir: 'a' }, candidate: { ...fromFolders.candidate, dir: 'b' } }).toEqual(inMemory);
    });
  });

  it('refuses bad options as a user error before reading any row', async () => {
    let read = false;
    const rows: Iterable<RequestRecord> = {
      [Symbol.iterator]: () => {
        read = true;
        return [][Symbol.iterator]();
      },
    };
    const base = { ...run('a', 1, 1).run, requests: rows };
    const error = await compareRuns(base, base, { confidence: 2 }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect(read).toBe(false);
  });
});
