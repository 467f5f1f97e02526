import { afterEach, describe, expect, it } from 'vitest';
import { errorCountText, sampleMessage, topErrors } from '../../src/report/error-summary.js';
import { clearSecrets, registerSecret } from '../../src/util/redact.js';
import { makeCell } from './fixtures.js';

describe('error summary lines', () => {
  afterEach(() => clearSecrets());

  it('merges codes over cells, most frequent first, with one sample message each', () => {
    const cells = [
      makeCell({ errors: { '404': { count: 2, message: 'Not Found' }, ECONNREFUSED: { count: 1, message: 'connection failed' } } }),
      makeCell({ id: 'c1', errors: { '404': { count: 3, message: 'Not Found here' } } }),
    ];
    expect(topErrors(cells, 5).map(errorCountText)).toEqual(['404 ×5 "Not Found"', 'ECONNREFUSED ×1 "connection failed"']);
    expect(topErrors(cells, 1)).toHaveLength(1);
  });

  it('redacts before cutting (a secret across the cut leaks nothing) and neutralises control characters', () => {
    const secret = 'sk-live-secret-that-straddles-the-cut';
    registerSecret(secret);
    const message = `${'x'.repeat(110)}${secret} and more`;
    // The cut (120) falls inside the secret: neither its whole nor its start may show.
    const sample = sampleMessage(message);
    expect(sample).not.toContain(secret.slice(0, 6));
    expect(sampleMessage('bad \u001b[2J\u0007 answer\nsecond line')).toBe('bad \\x1b[2J\\x07 answer\\x0asecond line');
  });
});
