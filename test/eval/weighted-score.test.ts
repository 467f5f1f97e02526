/** weight, metric and the row threshold: how an answer is scored and when the score decides. */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/dataset/csv.js';
import { parseJsonlRecord } from '../../src/dataset/jsonl.js';
import { compileRowAssertions } from '../../src/eval/row-assertions.js';
import { judge, judgeFully, makeRow } from './helpers.js';

const options = { jsTimeoutMs: 1000 };
const three = [
  { type: 'contains', value: 'Paris', weight: 2, metric: 'facts' },
  { type: 'contains', value: 'France', metric: 'facts' },
  { type: 'max-length', value: 5, metric: 'style' },
];

describe('the score of an answer', () => {
  it('is the weighted share of its assertions that passed', async () => {
    const judged = await judgeFully(three, 'Paris, France');
    expect(judged.score).toBe(0.75);
    expect(judged.outcomes?.map((o) => [o.label, o.metric, o.outcome])).toEqual([
      ['contains "Paris" (weight 2)', 'facts', 'pass'],
      ['contains "France"', 'facts', 'pass'],
      ['max-length ≤ 5 characters', 'style', 'fail'],
    ]);
    expect((await judgeFully(three, 'Lyon')).score).toBe(0.25);
  });

  it('without a threshold, every assertion of weight above 0 must pass (as before weights existed)', async () => {
    expect(await judge(three, 'Paris, France')).toEqual({ result: 'fail', reason: 'max-length ≤ 5 characters: output has 13 characters (maximum 5)' });
    expect(await judge(three, 'Paris')).toEqual({
      result: 'fail',
      reason: 'contains "France": output does not contain "France"',
    });
  });

  it('weight 0 is reported but never decides', async () => {
    const asserts = [
      { type: 'contains', value: 'Paris' },
      { type: 'contains', value: 'Eiffel', weight: 0 },
    ];
    const judged = await judgeFully(asserts, 'Paris');
    expect([judged.result, judged.reason, judged.score]).toEqual(['pass', 'contains "Eiffel" (weight 0: not counted): output does not contain "Eiffel"', 1]);
    const allZero = await judgeFully([{ type: 'contains', value: 'x', weight: 0 }], 'y');
    expect([allZero.result, allZero.score]).toEqual(['pass', undefined]);
    expect((await judgeFully([{ type: 'contains', value: 'x', weight: 0 }], 'y', { threshold: 1 })).result).toBe('pass');
  });

  it('with a threshold, the answer passes when its score reaches it, and the reason says so', async () => {
    expect(await judge(three, 'Paris, France', { threshold: 0.75 })).toEqual({
      result: 'pass',
      reason: 'score 0.75 ≥ threshold 0.75; max-length ≤ 5 characters: output has 13 characters (maximum 5)',
    });
    expect(await judge(three, 'Paris, France', { threshold: 0.8 })).toEqual({
      result: 'fail',
      reason: 'score 0.75 < threshold 0.8; max-length ≤ 5 characters: output has 13 characters (maximum 5)',
    });
    expect(await judge(three, 'Lyon', { threshold: 0.5 })).toEqual({
      result: 'fail',
      reason: 'score 0.25 < threshold 0.5; contains "Paris" (weight 2): output does not contain "Paris"; contains "France": output does not contain "France"',
    });
    expect(await judge(three, 'Paris', { threshold: 1 })).toMatchObject({ result: 'fail' });
    expect(await judge(three, 'Lyon', { threshold: 0 })).toMatchObject({ result: 'pass' });
    // 0.1 + 0.2 is not 0.3 in floating point; the score still reaches the threshold.
    const tenths = [
      { type: 'contains', value: 'a', weight: 0.1 },
      { type: 'contains', value: 'b', weight: 0.2 },
      { type: 'contains', value: 'c', weight: 0.7 },
    ];
    expect((await judge(tenths, 'ab', { threshold: 0.3 })).result).toBe('pass');
  });

  it('leaves skipped assertions out of the score', async () => {
    const asserts = [
      { type: 'contains', value: 'a' },
      { type: 'latency-ms', value: 1, weight: 5 },
    ];
    const judged = await judgeFully(asserts, 'a', { replayed: true });
    expect([judged.result, judged.score]).toEqual(['pass', 1]);
  });

  it('is absent for a request that got no answer', async () => {
    const judged = await judgeFully(three, '', { record: { outcome: 'failed', errorCode: '336100', errorMsg: 'busy' }, threshold: 0.5 });
    expect([judged.result, judged.reason, judged.score, judged.outcomes]).toEqual(['fail', 'no answer: failed 336100: busy', undefined, undefined]);
  });
});

describe('weight, metric and threshold in a JSONL record', () => {
  it('are keys of the assertion object and the record', async () => {
    const row = parseJsonlRecord(
      JSON.stringify({ prompt: 'hi', threshold: 0.5, assert: [{ type: 'contains', value: 'x', weight: 3, metric: '事实' }, 'icontains[weight=0]:y'] }),
      '/data/s.jsonl',
      4,
    );
    const checks = await compileRowAssertions(row, options);
    expect(checks.threshold).toBe(0.5);
    expect(checks.assertions.map((a) => [a.type, a.weight, a.metric])).toEqual([
      ['contains', 3, '事实'],
      ['icontains', 0, undefined],
    ]);
  });

  it('refuses bad values at FILE:LINE, naming what they take', async () => {
    const compile = (asserts: unknown[], threshold?: number): Promise<unknown> =>
      compileRowAssertions(makeRow({ asserts, ...(threshold !== undefined ? { threshold } : {}) }), options);
    await expect(compile([{ type: 'contains', value: 'x', weight: -1 }])).rejects.toThrow(
      '/data/rows.jsonl:3: assert[0]: weight must be a number of 0 or more (default 1; 0 reports the assertion without counting it); got number -1',
    );
    await expect(compile([{ type: 'contains', value: 'x', weight: true }])).rejects.toThrow('weight must be a number of 0 or more');
    await expect(compile([{ type: 'contains', value: 'x', metric: 'a b' }])).rejects.toThrow(
      'assert[0]: metric must be a name of up to 64 letters, digits, _ . / or -, such as "accuracy"; got the string "a b"',
    );
    await expect(compile([{ type: 'contains', value: 'x' }], 1.5)).rejects.toThrow(
      '/data/rows.jsonl:3: "threshold": the row\'s threshold is the score an answer must reach, a number from 0 to 1; got number 1.5',
    );
    await expect(compile([], 0.5)).rejects.toThrow('/data/rows.jsonl:3: the row has a threshold but no assertions to score');
    expect(() => parseJsonlRecord('{"prompt":"hi","threshold":"high"}', '/data/s.jsonl', 2)).toThrow(
      '/data/s.jsonl:2: "threshold" must be a number from 0 to 1; got the string "high"',
    );
  });
});

describe('weight, metric and threshold in CSV', () => {
  const compileCsv = async (csv: string): Promise<Array<{ threshold?: number; assertions: Array<[string, number, string | undefined]> }>> =>
    Promise.all(
      parseCsv(csv, '/data/s.csv').map(async (row) => {
        const checks = await compileRowAssertions(row, options);
        return {
          ...(checks.threshold !== undefined ? { threshold: checks.threshold } : {}),
          assertions: checks.assertions.map((a): [string, number, string | undefined] => [`${a.type} ${a.expectation}`, a.weight, a.metric]),
        };
      }),
    );

  it('take options in brackets after the type, on a line or in a column name, and the row threshold in assert_threshold', async () => {
    const csv = [
      'prompt,assert,assert_contains[weight=2;metric=facts]#capital,assert_threshold',
      'hi,"contains[weight=0.5, metric=facts]:Paris\nis-json[weight=0]\nregex:[a-z]+",Paris,0.6',
      'hi,,,',
    ].join('\n');
    expect(await compileCsv(csv)).toEqual([
      {
        threshold: 0.6,
        assertions: [
          ['contains "Paris"', 0.5, 'facts'],
          ['is-json valid JSON', 0, undefined],
          ['regex "/[a-z]+/"', 1, undefined],
          ['contains "Paris"', 2, 'facts'],
        ],
      },
      { assertions: [] },
    ]);
  });

  it('refuse an unknown option or a bad threshold, naming the column and the known options', async () => {
    await expect(compileCsv('prompt,assert\nhi,contains[wieght=2]:x\n')).rejects.toThrow(
      '/data/s.csv:2: column "assert" line 1: unknown option "wieght" in [wieght=2]; ' +
        'options are weight=…, metric=…, threshold=…, separated by commas or semicolons',
    );
    await expect(compileCsv('prompt,assert\nhi,contains[2]:x\n')).rejects.toThrow('option "2" has no "="');
    await expect(compileCsv('prompt,assert_contains[weight=heavy]\nhi,x\n')).rejects.toThrow(
      '/data/s.csv:2: column "assert_contains[weight=heavy]": weight must be a number of 0 or more',
    );
    await expect(compileCsv('prompt,assert,assert_threshold\nhi,contains:x,80%\n')).rejects.toThrow(
      '/data/s.csv:2: column "assert_threshold": the row\'s threshold is the score an answer must reach, a number from 0 to 1; got the string "80%"',
    );
  });
});
