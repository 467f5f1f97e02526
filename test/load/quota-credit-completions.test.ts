/**
 * A quota counted when answers end (v2's output tokens): a start is charged its estimate, and the
 * server's Remaining does not show it until it ends. When usage corrects the estimate, what the
 * anchor reading took as outstanding shrinks; it is not someone else's spend. (It was: four
 * starts charged 200 output tokens each and corrected to 67 left 200 of 1,000 spendable instead of
 * 732, and a v2 TPM run took 139 s where 92 s was enough.)
 */
import { describe, expect, it } from 'vitest';
import { QuotaCredit } from '../../src/load/quota-credit.js';

describe('QuotaCredit, completion-counted', () => {
  it('a corrected estimate frees credit; it is not counted as another client', () => {
    const credit = new QuotaCredit(20_000, false);
    credit.trusted = true;
    const marks = [1, 2, 3, 4].map((seq) => credit.charge(10 * seq, 200, seq, true));
    // The first answer's headers: nothing of ours counted yet, all four outstanding at their estimate.
    credit.observe(100, 1000, 1000, marks[3]!, 800, 0);
    expect(Math.round(credit.available(100, 800, 4)!)).toBe(200);
    for (const mark of marks) credit.correct(mark, 200, 67);
    expect(Math.round(credit.available(2000, 0, 4)!)).toBe(1000 - 4 * 67);
  });

  it('arrival-counted: an estimate the server counted higher than we did is still someone else’s share', () => {
    const credit = new QuotaCredit(20_000, true);
    credit.trusted = true;
    const mark = credit.charge(10, 10, 1, true);
    // The server counted 30 (20 more than our estimate); the correction to 30 explains it.
    credit.observe(50, 1000, 970, mark, 0, 0);
    credit.correct(mark, 10, 30);
    expect(Math.round(credit.available(60, 0, 1)!)).toBe(970);
  });
});
