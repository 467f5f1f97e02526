import { describe, expect, it } from 'vitest';
import {
  authorizationValue,
  authStringPrefix,
  bceTimestamp,
  canonicalHeaders,
  canonicalHeadersFor,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  hmacHex,
  signingKey,
  signRequest,
  uriEncode,
} from '../../../src/qianfan/spec/bce-auth-v1.js';

// The platform's rules, pinned by the official vectors (bce-sdk-js test/sdk/auth.spec.js) and the
// Qianfan-shaped vector, as quoted in qianfan-api.md 1B.
const OFFICIAL = { accessKey: 'my_ak', secretKey: 'my_sk', timestamp: new Date(1402639056 * 1000), expirationSeconds: 1800 };

describe('bce-auth-v1 official vectors', () => {
  it('vector 1: PUT with null/empty query values, default headersToSign, an x-bce-* header', () => {
    const signed = signRequest({
      ...OFFICIAL,
      method: 'PUT',
      path: '/v1/bucket/object1',
      query: { A: null, b: '', C: 'd' },
      headers: { Host: 'bce.baidu.com', abc: '123', 'x-bce-meta-key1': 'ABC' },
    });
    expect(signed.timestamp).toBe('2014-06-13T05:57:36Z');
    expect(signed.authStringPrefix).toBe('bce-auth-v1/my_ak/2014-06-13T05:57:36Z/1800');
    expect(signed.signingKey).toBe('b358d27f22640783b887965f17e6cf57ce5b44e3e44ed171a934df6daff52a7c');
    expect(signed.canonicalRequest).toBe('PUT\n/v1/bucket/object1\nA=&C=d&b=\nhost:bce.baidu.com\nx-bce-meta-key1:ABC');
    expect(signed.signedHeaders).toEqual(['host', 'x-bce-meta-key1']);
    expect(signed.authorization).toBe(
      'bce-auth-v1/my_ak/2014-06-13T05:57:36Z/1800/host;x-bce-meta-key1/80c9672aca2ea9af4bb40b9a8ff458d72df94e97d550840727f3a929af271d25',
    );
  });

  it('vector 2: DELETE, no query, content-length and content-type signed, user-agent not', () => {
    const signed = signRequest({
      ...OFFICIAL,
      method: 'DELETE',
      path: '/v1/test-bucket1361199862',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': 0, 'User-Agent': 'This is the user-agent' },
    });
    expect(signed.canonicalQuery).toBe('');
    expect(signed.authorization).toBe(
      'bce-auth-v1/my_ak/2014-06-13T05:57:36Z/1800/content-length;content-type/c9386b15d585960ae5e6972f73ed92a9a682dc81025480ba5b41206d3e489822',
    );
  });
});

describe('bce-auth-v1 on a Qianfan-shaped request (qianfan-api.md vector)', () => {
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

  it('matches signingKey, canonical headers and Authorization', () => {
    const signed = signRequest({ ...input, headersToSign: ['host', 'content-type', 'x-bce-date'] });
    expect(signed.signingKey).toBe('7d9e7580aec0e55e1616d3c63285f81357af55d9618d952c3cd8aa1653217c31');
    expect(signed.canonicalHeaders).toBe('content-type:application%2Fjson\nhost:aip.baidubce.com\nx-bce-date:2024-01-01T00%3A00%3A00Z');
    expect(signed.authorization).toBe(expected);
  });

  it('gives the same answer with the default headersToSign (x-bce-* is always signed)', () => {
    expect(signRequest(input).authorization).toBe(expected);
  });
});

describe('bce-auth-v1 building blocks, composed the way a verifier does (official vector 1)', () => {
  it('prefix, signing key, canonical request and signature step by step', () => {
    const prefix = authStringPrefix('my_ak', bceTimestamp(OFFICIAL.timestamp), 1800);
    expect(prefix).toBe('bce-auth-v1/my_ak/2014-06-13T05:57:36Z/1800');
    const key = signingKey('my_sk', prefix);
    expect(key).toBe('b358d27f22640783b887965f17e6cf57ce5b44e3e44ed171a934df6daff52a7c');
    // The signed-header list as a verifier reads it from the header: in any order, any case.
    const headers = canonicalHeadersFor({ host: 'bce.baidu.com', abc: '123', 'x-bce-meta-key1': 'ABC' }, ['x-bce-meta-key1', 'HOST']);
    expect(headers).toEqual({ canonical: 'host:bce.baidu.com\nx-bce-meta-key1:ABC', names: ['host', 'x-bce-meta-key1'] });
    const request = canonicalRequest('put', canonicalUri('/v1/bucket/object1'), canonicalQueryString(new URLSearchParams('A&b=&C=d')), headers.canonical);
    expect(request).toBe('PUT\n/v1/bucket/object1\nA=&C=d&b=\nhost:bce.baidu.com\nx-bce-meta-key1:ABC');
    const signature = hmacHex(key, request);
    expect(authorizationValue(prefix, headers.names, signature)).toBe(
      'bce-auth-v1/my_ak/2014-06-13T05:57:36Z/1800/host;x-bce-meta-key1/80c9672aca2ea9af4bb40b9a8ff458d72df94e97d550840727f3a929af271d25',
    );
  });

  it('refuses an access key or expiration no Authorization value can carry', () => {
    expect(() => signRequest({ ...OFFICIAL, accessKey: 'a/b', method: 'GET', path: '/', headers: {} })).toThrow(RangeError);
    expect(() => signRequest({ ...OFFICIAL, expirationSeconds: 0, method: 'GET', path: '/', headers: {} })).toThrow(RangeError);
  });
});

describe('canonicalisation rules', () => {
  it('timestamps drop milliseconds', () => {
    expect(bceTimestamp(new Date('2024-05-06T07:08:09.999Z'))).toBe('2024-05-06T07:08:09Z');
  });

  it('URI-encodes everything but A-Z a-z 0-9 - _ . ~ with uppercase hex, UTF-8 bytes', () => {
    expect(uriEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(uriEncode("a b/c!'()*+=&:")).toBe('a%20b%2Fc%21%27%28%29%2A%2B%3D%26%3A');
    expect(uriEncode('文')).toBe('%E6%96%87');
    expect(uriEncode('\ud800')).toBe('%EF%BF%BD');
  });

  it('keeps / in the canonical URI and encodes the rest', () => {
    expect(canonicalUri('/v1/a b/文~')).toBe('/v1/a%20b/%E6%96%87~');
  });

  it('sorts query strings byte-wise, skips authorization, keeps repeated keys', () => {
    expect(
      canonicalQueryString([
        ['b', '2'],
        ['a', 'x y'],
        ['authorization', 'zz'],
        ['Authorization', 'zz'],
        ['b', '1'],
        ['c', undefined],
      ]),
    ).toBe('a=x%20y&b=1&b=2&c=');
    expect(canonicalQueryString(new URLSearchParams('z=1&access_token=t'))).toBe('access_token=t&z=1');
  });

  it('trims header values and skips empty ones', () => {
    const result = canonicalHeaders({ Host: '  h.example  ', 'Content-Type': '   ', 'X-Bce-Request-Id': 'r1' });
    expect(result).toEqual({ canonical: 'host:h.example\nx-bce-request-id:r1', names: ['host', 'x-bce-request-id'] });
  });
});
