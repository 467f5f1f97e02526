import { describe, expect, it } from 'vitest';
import { QuotaTimeline } from '../../src/load/quota-timeline.js';

describe('QuotaTimeline', () => {
  it('counts starts and refusals per second from the first start', () => {
    const timeline = new QuotaTimeline();
    expect(timeline.snapshot()).toBeUndefined();
    for (const at of [5000, 5100, 5999, 6000, 8500]) timeline.sent(at);
    timeline.throttled(6200);
    expect(timeline.snapshot()).toEqual({ bucketSeconds: 1, sent: [3, 1, 0, 1], throttled: [0, 1, 0, 0] });
  });

  it('stays bounded on a long run: buckets double in width and keep every count', () => {
    const timeline = new QuotaTimeline();
    const hours = 3;
    for (let second = 0; second < hours * 3600; second++) timeline.sent(second * 1000);
    timeline.throttled(hours * 3600 * 1000 - 1);
    const snapshot = timeline.snapshot()!;
    expect(snapshot.sent.length).toBeLessThanOrEqual(1800);
    expect(snapshot.bucketSeconds).toBe(8);
    expect(snapshot.sent.reduce((a, b) => a + b, 0)).toBe(hours * 3600);
    expect(snapshot.throttled.reduce((a, b) => a + b, 0)).toBe(1);
    expect(snapshot.sent[0]).toBe(8);
  });
});
