import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../src/config/did-you-mean.js';

describe('did you mean', () => {
  it('counts edits, a swap of neighbours as one', () => {
    expect(editDistance('concurency', 'concurrency')).toBe(1);
    expect(editDistance('temprature', 'temperature')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('finds the closest known name, ignoring case, dashes and underscores', () => {
    expect(closestName('concurency', ['concurrency', 'rate', 'repeat'])).toBe('concurrency');
    expect(closestName('temprature', ['top_p', 'temperature'])).toBe('temperature');
    expect(closestName('max_requests', ['maxRequests', 'maxCost'])).toBe('maxRequests');
    expect(closestName('max-request', ['max-requests', 'max-tokens'])).toBe('max-requests');
  });

  it('suggests nothing for a different word', () => {
    expect(closestName('colour', ['concurrency', 'catalog', 'rate'])).toBeUndefined();
    expect(closestName('x', ['quiet', 'out'])).toBeUndefined();
  });
});
