/** A cell's mean score and named metrics, over its answered requests. */
import { describe, expect, it } from 'vitest';
import { keptJudgement } from '../../src/eval/judge-request.js';
import { scoreLine } from '../../src/eval/score-line.js';
import { AssertionTally } from '../../src/eval/tally.js';
import { makeRecord } from '../report/fixtures.js';
import { judgeFully } from './helpers.js';

const asserts = [
  { type: 'contains', value: 'Paris', weight: 3, metric: 'facts' },
  { type: 'contains', value: 'France', metric: 'facts' },
  { type: 'max-length', value: 20, metric: 'style' },
  { type: 'contains', value: 'Eiffel', weight: 0, metric: 'bonus' },
];

describe('a cell of scored answers', () => {
  it('has the mean row score and, per metric, its mean weighted score and assertion counts', async () => {
    const tally = new AssertionTally();
    const answers = ['Paris, France', 'Paris is the capital of France.', 'Lyon'];
    for (const [seq, output] of answers.entries()) {
      const record = makeRecord({ seq, cellId: 'c0', output });
      tally.add(record, await judgeFully(asserts, output, { record: { seq, cellId: 'c0' }, threshold: 0.7 }), 'ERNIE', 0);
    }
    // A request without an answer counts against the pass rate but has no score.
    const failed = makeRecord({ seq: 3, cellId: 'c0', outcome: 'failed', output: '' });
    tally.add(failed, await judgeFully(asserts, '', { record: { seq: 3, cellId: 'c0', outcome: 'failed' }, threshold: 0.7 }), 'ERNIE', 0);
    // Scores: 5/5 = 1, 4/5 = 0.8, 1/5 = 0.2 (weight-0 Eiffel never counts).
    expect(tally.cellAssertions('c0')).toEqual({
      passed: 2,
      failed: 1,
      errored: 1,
      skipped: 0,
      passRate: 0.5,
      score: 0.666667,
      metrics: {
        bonus: { score: null, passed: 0, failed: 3 },
        facts: { score: 0.666667, passed: 4, failed: 2 },
        style: { score: 0.666667, passed: 2, failed: 1 },
      },
    });
  });

  it('has a score but no metrics when no assertion names one', async () => {
    const tally = new AssertionTally();
    const output = 'short';
    tally.add(makeRecord({ cellId: 'c1', output }), await judgeFully([{ type: 'contains', value: 'short' }, 'min-length:100'], output), 'ERNIE', 0);
    expect(tally.cellAssertions('c1')).toEqual({ passed: 0, failed: 1, errored: 0, skipped: 0, passRate: 0, score: 0.5 });
  });
});

describe('the console line of a cell with metrics', () => {
  it('gives the mean score and each metric; nothing without metrics', () => {
    const counts = {
      passed: 1,
      failed: 1,
      skipped: 0,
      passRate: 0.5,
      score: 0.8,
      metrics: { facts: { score: 0.833333, passed: 2, failed: 1 }, bonus: { score: null, passed: 0, failed: 2 } },
    };
    expect(scoreLine('ERNIE', counts)).toBe('scores ERNIE: mean 0.8; facts 0.833 (2 passed, 1 failed); bonus n/a (0 passed, 2 failed)');
    expect(scoreLine('ERNIE', { passed: 1, failed: 0, skipped: 0, passRate: 1, score: 1 })).toBeUndefined();
  });
});

describe('a kept row of a resumed run', () => {
  it("keeps the result, reason and score it was judged with, and takes each assertion's outcome from judging the stored text again", async () => {
    const fresh = await judgeFully(asserts, 'Lyon');
    const kept = keptJudgement(makeRecord({ assertResult: 'pass', assertReason: '', assertScore: 1 }), fresh);
    expect([kept.result, kept.reason, kept.score, kept.outcomes]).toEqual(['pass', '', 1, fresh.outcomes]);
    // A file written before scores: the score of the stored text.
    expect(keptJudgement(makeRecord({ assertResult: 'fail', assertReason: 'x' }), fresh).score).toBe(fresh.score);
    expect(keptJudgement(makeRecord({}), fresh)).toBe(fresh);
  });
});
