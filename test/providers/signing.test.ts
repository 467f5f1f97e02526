import { describe, expect, it } from 'vitest';
import { BceSigner } from '../../src/providers/qianfan/signing.js';
import { signRequest } from '../../src/qianfan/spec/bce-auth-v1.js';

// The client's cached signer against the Qianfan-shaped vector of qianfan-api.md 1B; the rules
// themselves are pinned in test/qianfan/spec/bce-auth-v1.test.ts.
describe('BceSigner on a Qianfan-shaped request (qianfan-api.md vector)', () => {
  const input = {
    method: 'POST',
    path: '/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/ernie_speed',
    headers: { Host: 'aip.baidubce.com', 'Content-Type': 'application/json', 'x-bce-date': '2024-01-01T00:00:00Z' },
    accessKey: 'test_ak',
    secretKey: 'test_sk',
    timestamp: new Date('2024-01-01T00:00:00Z'),
    expirationSeconds: 1800,
  };
  const expected =
    'bce-auth-v1/test_ak/2024-01-01T00:00:00Z/1800/content-type;host;x-bce-date/571649a655c80a63051beb1018334a8c2810a3d1571d7fd5ef1ed3418c7959dc';

  it('BceSigner (the cached hot-path signer) agrees, within the second and across seconds', () => {
    const signer = new BceSigner({
      accessKey: 'test_ak',
      secretKey: 'test_sk',
      expirationSeconds: 1800,
      headersToSign: ['host', 'content-type', 'x-bce-date'],
    });
    const at = Date.parse('2024-01-01T00:00:00Z');
    expect(signer.timestamp(at + 999)).toBe('2024-01-01T00:00:00Z');
    expect(signer.sign(input, at + 999).authorization).toBe(expected);
    const later = signer.sign({ ...input, headers: { ...input.headers, 'x-bce-date': '2024-01-01T00:00:01Z' } }, at + 1000);
    expect(later.timestamp).toBe('2024-01-01T00:00:01Z');
    expect(later).toEqual(signRequest({ ...input, headers: { ...input.headers, 'x-bce-date': '2024-01-01T00:00:01Z' }, timestamp: new Date(at + 1000) }));
    expect(signer.sign(input, at).authorization).toBe(expected);
  });

  it('refuses a key pair no Authorization value can carry', () => {
    expect(() => new BceSigner({ accessKey: 'a/b', secretKey: 's', expirationSeconds: 1800 })).toThrow(RangeError);
    expect(() => new BceSigner({ accessKey: 'a', secretKey: 's', expirationSeconds: 1.5 })).toThrow(RangeError);
  });
});
