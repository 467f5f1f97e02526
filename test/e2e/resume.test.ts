/**
 * `qfbench run --resume DIR` end to end (issue #13): real CLI processes killed with SIGKILL at
 * seeded random points against one simulator that counts what it was sent, then resumed.
 */
import { appendFile, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistogram, recordMs, summarise } from '../../src/metrics/histogram.js';
import type { DistributionSummary, RunSummary } from '../../src/metrics/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { seededRandom } from '../../src/util/random.js';
import { REPO_ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { completeRows, keepRawRows, runCliKilledAtRows } from '../helpers/killed-run.js';
import { startLoggingProxy, type LoggedRequest } from '../helpers/logging-proxy.js';

// About 100 ms per request: a 144-request run at -c 4 takes a few seconds, long enough to be killed mid-way.
const SIM_TIMING = { firstChunkMs: 20, msPerOutputToken: 1 };
const CONCURRENCY = 4;
const TEST_TIMEOUT_MS = 180_000;
const CLI_TIMEOUT_MS = 60_000;

type Row = Record<string, string>;

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator(SIM_TIMING);
});

afterAll(async () => {
  await sim.close();
});

const envOf = (server: RunningSimulator): Record<string, string> => ({
  QIANFAN_BASE_URL: server.url,
  QIANFAN_AK: server.credentials.ak,
  QIANFAN_SK: server.credentials.sk,
  CI: 'true',
});

/** Chat requests `server` received while `action` ran, counted once the killed client's requests have all arrived and ended. */
async function chatRequestsDuring<T>(server: RunningSimulator, action: () => Promise<T>): Promise<{ result: T; sent: number }> {
  const before = server.stats.chatRequests;
  const result = await action();
  for (let waited = 0; server.stats.inFlight > 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  // A request the client wrote just before it died may still be in this process's socket queue.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { result, sent: server.stats.chatRequests - before };
}

async function readRows(out: string): Promise<Row[]> {
  return parse(await readFile(join(out, 'requests.csv')), { columns: true, bom: true }) as Row[];
}

async function readSummary(out: string): Promise<RunSummary> {
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
}

/** What summary.json must say of a distribution: HdrHistogram over the rows' figures, recorded like the run records them. */
function distributionOf(values: readonly number[]): DistributionSummary {
  const histogram = createHistogram();
  for (const value of values) recordMs(histogram, value);
  return summarise(histogram);
}

const figures = (rows: readonly Row[], column: string): number[] => rows.filter((row) => row[column] !== '').map((row) => Number(row[column]));

/** Every planned request exactly once, with a final outcome; returns the rows by seq. */
function expectEveryRequestOnce(rows: readonly Row[], planned: number): Map<number, Row> {
  const bySeq = new Map(rows.map((row) => [Number(row.seq), row]));
  expect(rows).toHaveLength(planned);
  expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: planned }, (_, seq) => seq));
  return bySeq;
}

/** summary.json's cells agree with the rows: outcomes add up, and latency and TTFT are the rows' histograms exactly. */
function expectSummaryFromRows(summary: RunSummary, rows: readonly Row[], planned: number): void {
  let total = 0;
  for (const cell of summary.cells) {
    const cellRows = rows.filter((row) => row.cell === cell.id);
    const outcomes = Object.values(cell.outcomes).reduce((sum, count) => sum + count, 0);
    expect(outcomes, cell.id).toBe(cellRows.length);
    expect(cell.planned, cell.id).toBe(cellRows.length);
    for (const [outcome, count] of Object.entries(cell.outcomes))
      expect(count, `${cell.id} ${outcome}`).toBe(cellRows.filter((row) => row.outcome === outcome).length);
    const ok = cellRows.filter((row) => row.outcome === 'ok');
    // Every field (count, min, mean, percentiles, max), not only p50/p90/p99: kept rows and new ones go through one histogram.
    expect(cell.latencyMs, `${cell.id} latency`).toEqual(distributionOf(figures(ok, 'latency_ms')));
    expect(cell.ttftMs, `${cell.id} ttft`).toEqual(distributionOf(figures(ok, 'ttft_ms')));
    expect(cell.tpotMs, `${cell.id} tpot`).toEqual(distributionOf(figures(ok, 'tpot_ms')));
    total += outcomes;
  }
  expect(total).toBe(planned);
}

/** A planned request as `endpoint|temperature|row id` (the prompts of the test dataset name their row). */
function rowKey(row: Row): string {
  return `${row.endpoint}|${(row.params ?? '').replace('temperature=', '')}|${row.row_id}`;
}

/** How often each planned request reached the server, by `rowKey`; the token and other requests are left out. */
function countByRequest(log: readonly LoggedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { path, body } of log) {
    const question = /Question (\d+):/.exec(body);
    if (question === null) continue;
    const { temperature } = JSON.parse(body) as { temperature?: number };
    const endpoint = path.split('?')[0]?.split('/').pop() ?? '';
    const key = `${endpoint}|${String(temperature)}|q${question[1]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** `qfbench run` args of a plan on the external simulator, writing to `out`. */
const runArgs = (out: string, plan: readonly string[]): string[] => ['run', ...plan, '-c', String(CONCURRENCY), '--out', out];

const resumeArgs = (out: string, ...more: string[]): string[] => ['run', '--resume', out, ...more];

/** demo.csv (12 rows) x 2 models x 2 temperatures x 3 repeats = 144 requests. */
const PLAN_144 = ['-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-m', 'ernie-lite-8k', '-p', 'temperature=0.2,0.8', '--repeat', '3'];

describe('run --resume after SIGKILL', () => {
  it(
    'killed three times at random points and resumed: every planned request once, none sent twice, percentiles from all rows',
    async () => {
      // 36 distinct prompts x 2 models x 2 temperatures, no repeats: every planned request has a body of
      // its own, so the proxy in front of the simulator can tell which ones were sent, and in which session.
      const planned = 144;
      const dataset = join(await tempDir('qfbench-resume-data-'), 'distinct.csv');
      await writeFile(dataset, `id,prompt\n${Array.from({ length: 36 }, (_, n) => `q${n},Question ${n}: name a colour.`).join('\n')}\n`);
      const plan = ['-d', dataset, '-m', 'ernie-speed-8k', '-m', 'ernie-lite-8k', '-p', 'temperature=0.2,0.8'];
      const proxy = await startLoggingProxy(sim.url);
      const env = { ...envOf(sim), QIANFAN_BASE_URL: proxy.url };
      const sentIn: Array<Map<string, number>> = [];
      const logged = async <T>(action: () => Promise<T>): Promise<T> => {
        const from = proxy.log.length;
        const result = await action();
        // A request the client wrote just before it died may still be in this process's socket queue.
        await new Promise((resolve) => setTimeout(resolve, 200));
        sentIn.push(countByRequest(proxy.log.slice(from)));
        return result;
      };
      try {
        const out = await tempDir('qfbench-resume-');
        const requestsCsv = join(out, 'requests.csv');
        // Reproducible kill points: each session is killed after 10 to 39 new rows.
        const random = seededRandom(13);
        const rowsAtKill: Row[][] = [];
        for (let session = 0; session < 3; session++) {
          const rows = completeRows(requestsCsv).length + 10 + Math.floor(random() * 30);
          const args = session === 0 ? runArgs(out, plan) : resumeArgs(out);
          const result = await logged(() => runCliKilledAtRows(args, { env, requestsCsv, rows, timeoutMs: CLI_TIMEOUT_MS }));
          expect(result.signal, `session ${session} was not killed: ${result.stderr}`).toBe('SIGKILL');
          expect(result.killedAtRows).toBeGreaterThanOrEqual(rows);
          rowsAtKill.push(completeRows(requestsCsv));
          if (session === 0) {
            // The kill may have cut the last row; make sure one is cut (inside a quoted answer) for the first resume to find.
            if ((await readFile(requestsCsv, 'utf8')).endsWith('\n'))
              await appendFile(requestsCsv, `${planned - 1},c1,ERNIE-Speed-8K,ernie_speed,temperature=0.2,q1,0,ok,,,200,1,0.000,"half an answ`);
          } else if (session === 1) {
            expect(result.stderr).toMatch(/cut a torn last line \(\d+ bytes\)/);
          }
        }
        // -c does not shape the plan: the last session may change it, and it is recorded with that session.
        const last = await logged(() => runCli(resumeArgs(out, '-c', '2'), { env, timeoutMs: CLI_TIMEOUT_MS }));
        expect(last.code, last.stderr).toBe(0);
        expect(last.stderr).toMatch(/resuming .*: \d+ of 144 requests have a final outcome and are kept/);

        const rows = await readRows(out);
        const bySeq = expectEveryRequestOnce(rows, planned);
        expect(rows.every((row) => row.outcome === 'ok')).toBe(true);

        // A row a killed session left complete is kept as it was: same session, same figures, same answer.
        for (const [session, left] of rowsAtKill.entries()) {
          for (const row of left) expect(bySeq.get(Number(row.seq)), `seq ${row.seq} written by session ${session}`).toEqual(row);
        }

        // At the server: each request was sent in the session whose row was kept, and never in a later
        // one (a request in flight at a kill may have been sent in earlier sessions too).
        expect(sentIn).toHaveLength(4);
        for (const row of rows) {
          const key = rowKey(row);
          const session = Number(row.session);
          expect(sentIn[session]?.get(key), `${key}: its row is from session ${session}`).toBe(1);
          for (const later of sentIn.slice(session + 1)) expect(later.get(key), `${key} (kept from session ${session}) sent again`).toBeUndefined();
        }
        const sends = (session: number): number => [...(sentIn[session]?.values() ?? [])].reduce((sum, count) => sum + count, 0);
        const written = (session: number): number => rows.filter((row) => row.session === String(session)).length;
        expect(sends(3)).toBe(written(3));

        const summary = await readSummary(out);
        expectSummaryFromRows(summary, rows, planned);
        expect(summary.cells).toHaveLength(4);
        expect(summary.run.interrupted).toBe(false);
        expect(summary.run.sessions).toHaveLength(4);
        expect(summary.run.sessions?.[3]).toMatchObject({ requests: written(3), overrides: { concurrency: [2] } });
        expect(summary.run.sessions?.slice(0, 3).every((session) => session.endedAt === undefined)).toBe(true);
        const manifest = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as { sessions: unknown[] };
        expect(manifest.sessions).toHaveLength(4);
        expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<html');
      } finally {
        await proxy.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a -c 1,2 sweep killed in its second stage resumes there and completes both stages',
    async () => {
      // demo.csv x 1 model x 2 repeats = 24 requests per stage, 48 in all.
      const perStage = 24;
      const out = await tempDir('qfbench-resume-sweep-');
      const requestsCsv = join(out, 'requests.csv');
      const plan = ['-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--repeat', '2'];
      // Counted too, so that a request the killed run wrote just before it died is not taken for the resume's.
      const { result: killed } = await chatRequestsDuring(sim, () =>
        runCliKilledAtRows(['run', ...plan, '-c', '1,2', '--out', out], { env: envOf(sim), requestsCsv, rows: perStage + 5, timeoutMs: CLI_TIMEOUT_MS }),
      );
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const { result, sent } = await chatRequestsDuring(sim, () => runCli(resumeArgs(out), { env: envOf(sim), timeoutMs: CLI_TIMEOUT_MS }));
      expect(result.code, result.stderr).toBe(0);
      const rows = await readRows(out);
      expectEveryRequestOnce(rows, 2 * perStage);
      expect(rows.every((row) => row.outcome === 'ok')).toBe(true);
      // The first stage was complete: the resume sent only second-stage requests.
      expect(rows.filter((row) => Number(row.seq) < perStage).every((row) => row.session === '0')).toBe(true);
      expect(sent).toBe(rows.filter((row) => row.session === '1').length);
      const summary = await readSummary(out);
      expect(summary.cells.map((cell) => cell.label)).toEqual(['ERNIE-Speed-8K @c=1', 'ERNIE-Speed-8K @c=2']);
      expect(summary.cells.map((cell) => cell.outcomes.ok)).toEqual([perStage, perStage]);
      expect(summary.stages).toHaveLength(2);
      expectSummaryFromRows(summary, rows, 2 * perStage);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('run --resume after Ctrl-C', () => {
  it(
    're-sends the cancelled requests and keeps the finished ones',
    async () => {
      const out = await tempDir('qfbench-resume-sigint-');
      const requestsCsv = join(out, 'requests.csv');
      const { result: stopped, sent: sentBefore } = await chatRequestsDuring(sim, () =>
        runCliKilledAtRows(runArgs(out, [...PLAN_144, '--grace', '0.05']), {
          env: envOf(sim),
          requestsCsv,
          rows: 30,
          signal: 'SIGINT',
          timeoutMs: CLI_TIMEOUT_MS,
        }),
      );
      expect(stopped.code, stopped.stderr).toBe(130);
      const before = await readRows(out);
      expectEveryRequestOnce(before, 144);
      const finished = before.filter((row) => row.outcome === 'ok');
      expect(before.filter((row) => row.outcome !== 'ok').every((row) => row.outcome === 'cancelled')).toBe(true);
      expect(sentBefore).toBeGreaterThanOrEqual(finished.length);

      const { result, sent } = await chatRequestsDuring(sim, () => runCli(resumeArgs(out), { env: envOf(sim), timeoutMs: CLI_TIMEOUT_MS }));
      expect(result.code, result.stderr).toBe(0);
      expect(sent).toBe(144 - finished.length);
      const rows = await readRows(out);
      const bySeq = expectEveryRequestOnce(rows, 144);
      expect(rows.every((row) => row.outcome === 'ok')).toBe(true);
      for (const row of finished) expect(bySeq.get(Number(row.seq))).toEqual(row);
      const summary = await readSummary(out);
      expectSummaryFromRows(summary, rows, 144);
      expect(summary.run.interrupted).toBe(false);
      expect(summary.run.sessions).toHaveLength(2);
    },
    TEST_TIMEOUT_MS,
  );

  // run.json keeps file paths absolute: a resume from another folder finds the dataset, and -d
  // given again (relative to the new folder) names the same file.
  it(
    'resumes from another working directory',
    async () => {
      const out = await tempDir('qfbench-resume-cwd-');
      const first = await runCli(['run', '--sim', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--quiet', '--out', out], { timeoutMs: CLI_TIMEOUT_MS });
      expect(first.code, first.stderr).toBe(0);
      const elsewhere = await tempDir('qfbench-resume-cwd-elsewhere-');
      expect(elsewhere).not.toBe(REPO_ROOT);
      const resumed = await runCli(resumeArgs(out, '--quiet'), { cwd: elsewhere, timeoutMs: CLI_TIMEOUT_MS });
      expect(resumed.code, resumed.stderr).toBe(0);
      const again = await runCli(resumeArgs(out, '--quiet', '-d', join(REPO_ROOT, 'datasets/demo.csv')), { cwd: elsewhere, timeoutMs: CLI_TIMEOUT_MS });
      expect(again.code, again.stderr).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('run --resume refuses what it cannot continue', () => {
  let out: string;
  let datasetCopy: string;
  const fastSim = ['--sim', '--sim-opt', 'firstChunkMs=2', '--sim-opt', 'msPerOutputToken=0.1'];
  const plan = (dataset: string): string[] => [...fastSim, '-d', dataset, '-m', 'ernie-speed-8k', '--quiet'];

  beforeAll(async () => {
    out = await tempDir('qfbench-resume-refused-');
    datasetCopy = join(await tempDir('qfbench-resume-data-'), 'demo.csv');
    await copyFile('datasets/demo.csv', datasetCopy);
    const result = await runCli(['run', ...plan(datasetCopy), '--out', out], { timeoutMs: CLI_TIMEOUT_MS });
    expect(result.code, result.stderr).toBe(0);
  });

  /** Exit 2 with one line on stderr that says why. */
  function expectRefused(result: CliResult, reason: RegExp): void {
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
  }

  it('a changed -m', async () => {
    expectRefused(await runCli(resumeArgs(out, '-m', 'ernie-lite-8k')), /-m\b.*differs/);
  });

  it('a changed --seed', async () => {
    expectRefused(await runCli(resumeArgs(out, '--seed', '2')), /--seed 2 differs from the run's 1/);
  });

  it('--force, --out elsewhere and --duration', async () => {
    expectRefused(await runCli(resumeArgs(out, '--force')), /--force does not go with --resume/);
    expectRefused(await runCli(resumeArgs(out, '--out', await tempDir())), /--out does not go with --resume/);
    expectRefused(await runCli(resumeArgs(out, '--duration', '5')), /--duration/);
  });

  it('a folder without run.json', async () => {
    expectRefused(await runCli(resumeArgs(await tempDir())), /no run\.json there/);
  });

  it('--resume-failed without --resume', async () => {
    expectRefused(await runCli(['run', ...plan('datasets/demo.csv'), '--resume-failed']), /--resume-failed: give --resume DIR too/);
  });

  // Last: it edits the dataset the run was made from.
  it('a dataset that changed since the run', async () => {
    await writeFile(datasetCopy, `${await readFile(datasetCopy, 'utf8')}extra,,,One more prompt\n`);
    expectRefused(await runCli(resumeArgs(out)), /dataset .*demo\.csv changed since the run/);
  });
});

describe('run --resume-failed', () => {
  it(
    're-sends the failed requests, against a healthy server, and keeps every request once',
    async () => {
      const faulty = await startSimulator({ ...SIM_TIMING, faults: { http500: 0.25 } });
      const healthy = await startSimulator(SIM_TIMING);
      try {
        const out = await tempDir('qfbench-resume-failed-');
        const plan = ['-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-p', 'temperature=0.2,0.8', '--retries', '0'];
        const first = await runCli(runArgs(out, plan), { env: envOf(faulty), timeoutMs: CLI_TIMEOUT_MS });
        expect(first.code, first.stderr).toBe(0);
        const before = await readRows(out);
        const failed = before.filter((row) => row.outcome === 'failed').map((row) => row.seq);
        expect(failed.length).toBeGreaterThan(0);
        expect(before.filter((row) => row.outcome !== 'failed').every((row) => row.outcome === 'ok')).toBe(true);

        // A plain resume keeps failed rows: they have a final outcome, so nothing is sent.
        const plain = await chatRequestsDuring(healthy, () => runCli(resumeArgs(out), { env: envOf(healthy), timeoutMs: CLI_TIMEOUT_MS }));
        expect(plain.result.code, plain.result.stderr).toBe(0);
        expect(plain.sent).toBe(0);
        expect(await readRows(out)).toEqual(before);

        const again = await chatRequestsDuring(healthy, () => runCli(resumeArgs(out, '--resume-failed'), { env: envOf(healthy), timeoutMs: CLI_TIMEOUT_MS }));
        expect(again.result.code, again.result.stderr).toBe(0);
        expect(again.sent).toBe(failed.length);
        const rows = await readRows(out);
        const bySeq = expectEveryRequestOnce(rows, 24);
        for (const seq of failed) expect(bySeq.get(Number(seq))).toMatchObject({ outcome: 'ok', session: '2' });
        expect(rows.every((row) => row.outcome === 'ok')).toBe(true);
        const summary = await readSummary(out);
        expectSummaryFromRows(summary, rows, 24);
        expect(summary.run.sessions?.map((session) => session.resumeFailed === true)).toEqual([false, false, true]);
      } finally {
        await Promise.all([faulty.close(), healthy.close()]);
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('run --resume with --record', () => {
  it(
    'a killed recording run, resumed, has one answer per planned request and replays cleanly',
    async () => {
      const out = await tempDir('qfbench-resume-record-');
      const recording = await tempDir('qfbench-resume-recording-');
      const requestsCsv = join(out, 'requests.csv');
      // demo.csv x 2 temperatures x 2 repeats = 48 requests.
      const plan = ['-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-p', 'temperature=0.2,0.8', '--repeat', '2'];
      const { result: killed, sent: sentBefore } = await chatRequestsDuring(sim, () =>
        runCliKilledAtRows(runArgs(out, [...plan, '--record', recording]), { env: envOf(sim), requestsCsv, rows: 15, timeoutMs: CLI_TIMEOUT_MS }),
      );
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const { result, sent } = await chatRequestsDuring(sim, () => runCli(resumeArgs(out), { env: envOf(sim), timeoutMs: CLI_TIMEOUT_MS }));
      expect(result.code, result.stderr).toBe(0);
      const rows = await readRows(out);
      expectEveryRequestOnce(rows, 48);

      const lines = (await readFile(join(recording, 'recordings.jsonl'), 'utf8')).split('\n').filter((line) => line !== '');
      expect(JSON.parse(lines[0] as string)).toMatchObject({ qfbench: 'recording' });
      const entries = lines.slice(1).map((line) => JSON.parse(line) as { key: string; repeat: number; answer?: { output: string } });
      // One answer per answered request: each planned one, and at most those answered while the kill cut their rows.
      expect(entries.every((entry) => entry.answer !== undefined)).toBe(true);
      expect(entries.length).toBeGreaterThanOrEqual(48);
      expect(entries.length).toBeLessThanOrEqual(sentBefore + sent);
      expect(entries.length).toBeLessThanOrEqual(48 + CONCURRENCY);
      // Every answer that made a row is the one recorded for it.
      const recorded = new Set(entries.map((entry) => entry.answer?.output));
      for (const row of rows) expect(recorded.has(row.output), `seq ${row.seq}`).toBe(true);

      const replayOut = await tempDir('qfbench-resume-replay-');
      const replay = await runCli(['run', ...plan, '--replay', recording, '--quiet', '--out', replayOut], { timeoutMs: CLI_TIMEOUT_MS });
      expect(replay.code, replay.stderr).toBe(0);
      const replayed = await readRows(replayOut);
      expect(replayed).toHaveLength(48);
      expect(replayed.every((row) => row.outcome === 'ok' && row.replayed === 'true')).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('run --resume with --record: an answer recorded just before the kill cut its row', () => {
  // An answer is appended to recordings.jsonl before its row reaches requests.csv, so a SIGKILL
  // between the two leaves a recorded answer without a row; the resume sends that request again and
  // records it again. The later entry supersedes the earlier one: the replay serves one answer per
  // request and repeat. Dropping a recorded row from requests.csv after the kill makes that window
  // deterministic.
  it(
    'a request recorded twice is replayed once, with its latest answer',
    async () => {
      const out = await tempDir('qfbench-resume-record-race-');
      const recording = await tempDir('qfbench-resume-recording-race-');
      const requestsCsv = join(out, 'requests.csv');
      const plan = ['-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-p', 'temperature=0.2,0.8'];
      const killed = await runCliKilledAtRows(runArgs(out, [...plan, '--record', recording]), {
        env: envOf(sim),
        requestsCsv,
        rows: 8,
        timeoutMs: CLI_TIMEOUT_MS,
      });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const lost = completeRows(requestsCsv)[0]?.seq;
      keepRawRows(requestsCsv, (seq) => String(seq) !== lost);
      const result = await runCli(resumeArgs(out), { env: envOf(sim), timeoutMs: CLI_TIMEOUT_MS });
      expect(result.code, result.stderr).toBe(0);
      const rows = await readRows(out);
      expectEveryRequestOnce(rows, 24);
      const lines = (await readFile(join(recording, 'recordings.jsonl'), 'utf8')).split('\n').filter((line) => line !== '');
      const entries = lines.slice(1).map((line) => JSON.parse(line) as { key: string; repeat: number });
      // The lost row's request is in the recording twice: sent before the kill and again by the resume.
      expect(entries.length).toBeGreaterThan(24);
      expect(new Set(entries.map((entry) => `${entry.key}/${entry.repeat}`)).size).toBe(24);
      const replayOut = await tempDir('qfbench-resume-race-replay-');
      const replay = await runCli(['run', ...plan, '--replay', recording, '--quiet', '--out', replayOut], { timeoutMs: CLI_TIMEOUT_MS });
      expect(replay.code, replay.stderr).toBe(0);
      const replayed = await readRows(replayOut);
      expect(replayed).toHaveLength(24);
      const answerOf = (row: Record<string, string>): string => `${row.row_id}/${row.params}/${row.repeat}`;
      const recorded = new Map(rows.map((row) => [answerOf(row), row.output]));
      for (const row of replayed) expect(row.output).toBe(recorded.get(answerOf(row)));
    },
    TEST_TIMEOUT_MS,
  );
});

describe('qfbench report on a killed run', () => {
  it(
    'rebuilds summary.json and report.html from requests.csv when there is no summary.json',
    async () => {
      const out = await tempDir('qfbench-report-killed-');
      const requestsCsv = join(out, 'requests.csv');
      const killed = await runCliKilledAtRows(runArgs(out, PLAN_144), { env: envOf(sim), requestsCsv, rows: 20, timeoutMs: CLI_TIMEOUT_MS });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const rows = completeRows(requestsCsv);
      const report = await runCli(['report', out], { timeoutMs: CLI_TIMEOUT_MS });
      expect(report.code, report.stderr).toBe(0);
      expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<html');
      const summary = await readSummary(out);
      expect(summary.run.rebuiltFromRows).toBe(true);
      const total = summary.cells.reduce((sum, cell) => sum + Object.values(cell.outcomes).reduce((a, b) => a + b, 0), 0);
      expect(total).toBe(rows.length);
      for (const cell of summary.cells) {
        const cellRows = rows.filter((row) => row.cell === cell.id);
        expect(cell.outcomes.ok, cell.id).toBe(cellRows.filter((row) => row.outcome === 'ok').length);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
