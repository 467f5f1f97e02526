/**
 * Bad simulator options, from `--sim-opt` on `run --sim` and `qfbench sim` and from the library's
 * startSimulator: one schema refuses them all with exit 2 and one line naming the option, the
 * value and what is allowed (they used to print a RangeError's stack and exit 1).
 */
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { startSimulator } from '../../src/sim/index.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

const RUN = ['run', '--sim', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--quiet'];

/** Option, then what the one line must say about it. */
const BAD: Array<[string, RegExp]> = [
  ['firstChunkMs=-1', /--sim-opt firstChunkMs=-1: expected a number >= 0/],
  ['faults={"nope":1}', /--sim-opt faults=\{"nope":1\}: expected .*probability in \[0, 1\].*http500.*"nope"/],
  ['rpm=-5', /--sim-opt rpm=-5: expected a number >= 0/],
  ['jitter=2', /--sim-opt jitter=2: expected a number in \[0, 1\]/],
  ['faults={"busy":1.5}', /--sim-opt faults=\{"busy":1.5\}: expected .*faults\.busy/],
  ['outputTokens={"min":5,"max":2}', /--sim-opt outputTokens=\{"min":5,"max":2\}: expected .*1 <= M <= N/],
  ['quotaWindow=weekly', /--sim-opt quotaWindow="weekly": expected rolling or fixed/],
  ['windowMs=0', /--sim-opt windowMs=0: expected a number > 0/],
  ['capacity=0', /--sim-opt capacity=0: expected a number > 0/],
  ['firstChunkMs=abc', /--sim-opt firstChunkMs="abc": expected a number >= 0/],
  ['accessKey=a/b', /--sim-opt accessKey="a\/b": expected a non-empty string without "\/"/],
  ['bogus=1', /--sim-opt "bogus=1": unknown option "bogus"; the options are seed, /],
];

function expectOneLineRefusal(result: CliResult, message: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('internal error');
  expect(lines[0]).toMatch(message);
}

describe('bad simulator options', () => {
  it.each(BAD)('run --sim --sim-opt %s: exit 2, one line', async (option, message) => {
    const out = await tempDir();
    expectOneLineRefusal(await runCli([...RUN, '--sim-opt', option, '--out', `${out}/run`]), message);
  });

  it.each(BAD.slice(0, 6))('qfbench sim --sim-opt %s: exit 2, one line, nothing listens', async (option, message) => {
    const result = await runCli(['sim', '--port', '0', '--sim-opt', option], { timeoutMs: 30_000 });
    expectOneLineRefusal(result, message);
    expect(result.stdout).not.toContain('listening');
  });

  it('qfbench sim --port out of range: exit 2 naming the port', async () => {
    expectOneLineRefusal(await runCli(['sim', '--port', '70000'], { timeoutMs: 30_000 }), /simulator option port=70000: expected an integer in \[0, 65535\]/);
  });

  it('startSimulator refuses them too, with the same schema and a user error', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ firstChunkMs: -1 }, /^simulator option firstChunkMs=-1: expected a number >= 0$/],
      [{ faults: { nope: 1 } }, /^simulator option faults=\{"nope":1\}: expected .*\(unknown: "nope"\)$/],
      [{ rpm: -5 }, /^simulator option rpm=-5: expected a number >= 0$/],
      [{ jitter: 2 }, /^simulator option jitter=2: expected a number in \[0, 1\]$/],
      [{ stallMs: Number.NaN }, /^simulator option stallMs=NaN: expected a number >= 0$/],
      [{ firstChunkMsx: 5 }, /^unknown simulator option "firstChunkMsx"; the options are port, /],
    ];
    for (const [options, message] of cases) {
      const error: unknown = await startSimulator(options as never).then(
        async (sim) => {
          await sim.close();
          return undefined;
        },
        (caught: unknown) => caught,
      );
      expect(isUserError(error), `${JSON.stringify(options)} was accepted`).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('good options still pass, and the defaults fill the rest', async () => {
    const sim = await startSimulator({ jitter: 0, faults: { busy: 0 }, outputTokens: { min: 3, max: 3 } });
    try {
      expect(sim.options.jitter).toBe(0);
      expect(sim.options.firstChunkMs).toBe(300);
      expect(sim.options.capacity).toBe(Number.POSITIVE_INFINITY);
    } finally {
      await sim.close();
    }
  });
});
