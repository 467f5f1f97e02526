/**
 * openTarget in-process: the base URL and credentials of each kind of target, the simulator's
 * lifecycle with --sim, and that secrets are registered for redaction as they are read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { DEFAULT_V1_BASE_URL } from '../../src/providers/qianfan/credentials.js';
import { openTarget, QIANFAN_V2_BASE_URL, type OpenedTarget, type TargetSettings } from '../../src/run/open-target.js';
import { clearSecrets, redact } from '../../src/util/redact.js';

const opened: OpenedTarget[] = [];
afterEach(async () => {
  for (const target of opened.splice(0)) await target.close();
  clearSecrets();
});

async function open(settings: TargetSettings, env: NodeJS.ProcessEnv = {}): Promise<OpenedTarget> {
  const target = await openTarget(settings, { env, connections: 2, timeouts: DEFAULT_TIMEOUTS });
  opened.push(target);
  return target;
}

async function openError(settings: TargetSettings, env: NodeJS.ProcessEnv): Promise<string> {
  const error = await openTarget(settings, { env, connections: 2, timeouts: DEFAULT_TIMEOUTS }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isUserError(error)).toBe(true);
  return (error as Error).message;
}

describe('openTarget', () => {
  it('--sim starts the simulator, answers with its credentials, and close() stops it', async () => {
    const target = await openTarget({ provider: 'qianfan', sim: true, seed: 3 }, { env: {}, connections: 2, timeouts: DEFAULT_TIMEOUTS });
    expect(target.simulated).toBe(true);
    expect(target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(target.auth).toMatchObject({ protocol: 'qianfan', auth: { kind: 'oauth' } });
    expect((await fetch(`${target.baseUrl}/oauth/2.0/token`, { method: 'POST' })).status).toBeGreaterThan(0);
    await target.close();
    await expect(fetch(`${target.baseUrl}/oauth/2.0/token`, { method: 'POST' })).rejects.toThrow();
  });

  it('--sim with --provider openai speaks v2 to the simulator with its Bearer key', async () => {
    const target = await open({ provider: 'openai', sim: true });
    expect(target.baseUrl).toMatch(/\/v2$/);
    expect(target.auth.protocol).toBe('openai');
  });

  it('Qianfan v1: --base-url, else QIANFAN_BASE_URL, else the default; credentials from the environment, registered as secrets', async () => {
    const env = { QIANFAN_AK: 'ak-0123456789', QIANFAN_SK: 'sk-0123456789', QIANFAN_BASE_URL: 'http://127.0.0.1:9/env' };
    const fromFlag = await open({ provider: 'qianfan', sim: false, baseUrl: 'http://127.0.0.1:9/flag' }, env);
    expect(fromFlag).toMatchObject({
      baseUrl: 'http://127.0.0.1:9/flag',
      simulated: false,
      auth: { protocol: 'qianfan', auth: { kind: 'oauth', credentials: { ak: env.QIANFAN_AK } } },
    });
    expect((await open({ provider: 'qianfan', sim: false }, env)).baseUrl).toBe(env.QIANFAN_BASE_URL);
    expect((await open({ provider: 'qianfan', sim: false }, { QIANFAN_ACCESS_TOKEN: 'token-0123456789' })).baseUrl).toBe(DEFAULT_V1_BASE_URL);
    expect(redact(`ak=${env.QIANFAN_AK} sk=${env.QIANFAN_SK}`)).not.toContain('0123456789');
  });

  it('no credentials: the same one-line configuration error as before, and nothing started', async () => {
    expect(await openError({ provider: 'qianfan', sim: false }, {})).toMatch(/^no Qianfan credentials: set QIANFAN_AK and QIANFAN_SK/);
    expect(await openError({ provider: 'qianfan', sim: false }, { QIANFAN_AK: 'ak-0123456789' })).toBe(
      'QIANFAN_AK and QIANFAN_SK go together; only QIANFAN_AK is set',
    );
    expect(await openError({ provider: 'openai', sim: false }, {})).toMatch(/^--provider openai needs a key/);
    expect(await openError({ provider: 'openai', sim: false, apiKey: 'key-0123456789' }, {})).toMatch(/^--provider openai: give --base-url/);
  });

  it('OpenAI-compatible: --api-key or QIANFAN_BEARER_TOKEN (Qianfan v2 by default) or OPENAI_API_KEY with OPENAI_BASE_URL', async () => {
    const v2 = await open({ provider: 'openai', sim: false }, { QIANFAN_BEARER_TOKEN: ' bearer-0123456789 ' });
    expect(v2).toMatchObject({ baseUrl: QIANFAN_V2_BASE_URL, auth: { protocol: 'openai', apiKey: 'bearer-0123456789' } });
    const other = await open({ provider: 'openai', sim: false }, { OPENAI_API_KEY: 'openai-0123456789', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(other).toMatchObject({ baseUrl: 'http://127.0.0.1:9/v1', auth: { protocol: 'openai', apiKey: 'openai-0123456789' } });
    expect(redact('Bearer openai-0123456789')).toBe('Bearer ***');
  });

  it('--replay needs no credentials and names the recording as a file URL', async () => {
    const target = await open({ provider: 'qianfan', sim: false, replay: 'fixtures/recorded' });
    expect(target.auth).toEqual({ protocol: 'replay', dir: 'fixtures/recorded' });
    expect(target.baseUrl).toMatch(/^file:\/\/.*\/fixtures\/recorded$/);
    expect(target.simulated).toBe(false);
  });
});
