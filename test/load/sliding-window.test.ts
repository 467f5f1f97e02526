import { describe, expect, it } from 'vitest';
import { arrivalOffsets } from '../../src/load/arrivals.js';
import { SlidingWindow } from '../../src/load/sliding-window.js';
import { seededRandom } from '../../src/util/random.js';

describe('SlidingWindow', () => {
  it('sums charges inside the window and forgets them after it', () => {
    const window = new SlidingWindow(1000, 2);
    window.charge(0, 1);
    window.charge(100, 2);
    window.charge(200, 3);
    expect(window.used(500)).toBe(6);
    expect(window.used(1000)).toBe(5);
    expect(window.used(1150)).toBe(3);
    expect(window.used(5000)).toBe(0);
  });

  it('says when a charge will fit under a budget', () => {
    const window = new SlidingWindow(1000);
    for (let t = 0; t < 10; t++) window.charge(t * 10, 1);
    expect(window.fitsAt(100, 1, 11)).toBe(100);
    expect(window.fitsAt(100, 1, 10)).toBe(1000); // the first charge (t=0) must leave
    expect(window.fitsAt(100, 3, 10)).toBe(1020);
    // More than the whole budget: it goes alone once the window is empty, never "never".
    expect(window.fitsAt(100, 11, 10)).toBe(1090);
  });

  it('tolerates rounding drift in fractional amounts instead of never fitting', () => {
    const window = new SlidingWindow(1000);
    const handles: number[] = [];
    for (let i = 0; i < 50; i++) handles.push(window.charge(i, 0.1 + i * 1e-3));
    for (const handle of handles) window.correct(handle, 0.3);
    // 50 x 0.3 = 15 in the window; a budget of exactly 15 fits the next 0 at once, and 0.3 when the first expires.
    expect(window.fitsAt(100, 0, 15)).toBe(100);
    expect(window.fitsAt(100, 0.3, 15)).toBe(1000);
    expect(Number.isFinite(window.fitsAt(100, 15, 15))).toBe(true);
  });

  it('corrects an estimate through its handle, even after earlier charges expired', () => {
    const window = new SlidingWindow(1000);
    window.charge(0, 5);
    const handle = window.charge(500, 100);
    expect(window.used(1200)).toBe(100);
    window.correct(handle, 40);
    expect(window.used(1200)).toBe(40);
    window.correct(handle, 10_000); // after it left the window: ignored
    expect(window.used(1600)).toBe(0);
  });
});

describe('arrival schedules', () => {
  it('constant arrivals are evenly spaced from the epoch', () => {
    const next = arrivalOffsets('constant', 4, seededRandom(1));
    expect([next(), next(), next(), next()]).toEqual([0, 250, 500, 750]);
  });

  it('Poisson arrivals have exponential gaps with the right mean', () => {
    const next = arrivalOffsets('poisson', 50, seededRandom(9));
    const offsets = Array.from({ length: 20_001 }, next);
    const gaps = offsets.slice(1).map((offset, i) => offset - (offsets[i] as number));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(19);
    expect(mean).toBeLessThan(21);
    // Exponential: the standard deviation equals the mean.
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeGreaterThan(0.9);
    expect(sd / mean).toBeLessThan(1.1);
  });
});
