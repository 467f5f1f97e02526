import { describe, expect, it } from 'vitest';
import { AccessTokenSource } from '../../src/providers/qianfan/oauth.js';

function deferredFetcher() {
  let calls = 0;
  const fetcher = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { accessToken: `token-${calls}` };
  };
  return { fetcher, calls: () => calls };
}

describe('AccessTokenSource', () => {
  it('serves concurrent callers with one fetch', async () => {
    const { fetcher, calls } = deferredFetcher();
    const source = new AccessTokenSource(fetcher);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => source.get()));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(calls()).toBe(1);
  });

  it('refreshes once for every caller that saw the same stale token', async () => {
    const { fetcher, calls } = deferredFetcher();
    const source = new AccessTokenSource(fetcher);
    const stale = await source.get();
    const refreshed = await Promise.all(Array.from({ length: 20 }, () => source.refresh(stale)));
    expect(new Set(refreshed)).toEqual(new Set(['token-2']));
    expect(calls()).toBe(2);
    // A late caller still holding the old token gets the new one without another fetch.
    expect(await source.refresh(stale)).toBe('token-2');
    expect(calls()).toBe(2);
  });

  it('does not cache a failed fetch', async () => {
    let attempt = 0;
    const source = new AccessTokenSource(async () => {
      attempt++;
      if (attempt === 1) throw new Error('down');
      return { accessToken: 'ok' };
    });
    await expect(source.get()).rejects.toThrow('down');
    expect(await source.get()).toBe('ok');
  });
});
