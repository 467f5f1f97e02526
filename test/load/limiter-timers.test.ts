import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter } from '../../src/load/limiter.js';

describe('limiter timers', () => {
  it('a Retry-After beyond what setTimeout takes holds starts instead of firing at once, and close() still ends the wait', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 4, windowMs: 1000, headroom: 0.97 });
    const first = await limiter.acquire(10, 10);
    first!.release({ throttled: true, retryAfterMs: 2 ** 40 });
    let resolved: unknown = 'pending';
    const next = limiter.acquire(10, 10).then((permit) => (resolved = permit));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(resolved).toBe('pending');
    expect(limiter.snapshot().nextStartAt).toBeGreaterThan(performance.now() + 1e9);
    limiter.close();
    await next;
    expect(resolved).toBeUndefined();
  });

  it('an isolated throttle whose own headers say plenty remains changes nothing but the count', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 8, windowMs: 60_000, headroom: 0.97 });
    const first = await limiter.acquire(10, 10);
    limiter.observe({ limitRequests: 600, remainingRequests: 599 }, first);
    first!.release({ throttled: false });
    const refused = await limiter.acquire(10, 10);
    limiter.observe({ limitRequests: 600, remainingRequests: 598 }, refused);
    refused!.release({ throttled: true });
    const snapshot = limiter.snapshot();
    expect(snapshot).toMatchObject({ concurrency: 8, throttled: 1 });
    // No hold either: the next start is granted at once.
    const after = await Promise.race([limiter.acquire(10, 10), new Promise((resolve) => setTimeout(() => resolve('held'), 200))]);
    expect(after).not.toBe('held');
    limiter.close();
  });
});
